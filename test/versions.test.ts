import { describe, expect, it } from 'vitest';
import { atLeast, compareKumaVersions, isSupported, parseKumaVersion } from '../src/versions.js';

describe('Kuma versions', () => {
  it.each([
    ['2.14.3', { major: 2, minor: 14, patch: 3 }],
    ['v2.9.19', { major: 2, minor: 9, patch: 19 }],
    ['2.11', { major: 2, minor: 11, patch: undefined }],
  ])('parses %s', (text, want) => expect(parseKumaVersion(text)).toEqual(want));

  it.each(['2', '2.x', 'latest', '2.14.3-rc1', ''])('rejects %j with a hint', (text) => {
    expect(() => parseKumaVersion(text)).toThrow(/write it as MAJOR.MINOR/);
  });

  it.each([
    ['2.11.9', 2, 11, 9, true],
    ['2.11.8', 2, 11, 9, false],
    ['2.11', 2, 11, 9, true],
    ['2.14.0', 2, 11, 0, true],
    ['2.10.5', 2, 11, 0, false],
  ] as const)('%s atLeast %d.%d.%d is %s', (v, ma, mi, p, want) => {
    expect(atLeast(parseKumaVersion(v), ma, mi, p)).toBe(want);
  });

  it.each([
    ['2.8.9', false],
    ['2.9.0', true],
    ['2.14.3', true],
    ['2.14', true],
    ['2.15.0', false],
    ['3.0.0', false],
  ])('%s supported: %s', (v, want) => expect(isSupported(parseKumaVersion(v))).toBe(want));

  it('orders patch-less versions after every patch of that line', () => {
    expect(compareKumaVersions(parseKumaVersion('2.13'), parseKumaVersion('2.13.10'))).toBeGreaterThan(0);
  });
});
