import { describe, expect, it } from 'vitest';
import { drainTimeMs, parseGoDuration, stopTimeoutMs } from '../../src/supervisor/drain-time.js';

describe('drain time', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
    ['0', 0],
    ['2m0.5s', 120_500],
  ])('parses the Go duration %s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['30', '', 's', '1x', '1s ', '--1s'])('refuses %j with what to write instead', (text) => {
    expect(() => parseGoDuration(text)).toThrow(/is not a Go duration: write it like 30s, 1m30s or 500ms/);
  });

  it('takes kuma-dp’s default, then the flag (last wins), then the env var, which beats flags (REFERENCE §4.1)', () => {
    const argv = ['runuser', '-u', 'kuma-dp', '--', '/usr/local/bin/kuma-dp', 'run'];
    expect(drainTimeMs(argv, {})).toBe(30_000);
    expect(drainTimeMs([...argv, '--drain-time=10s', '--drain-time', '1m'], {})).toBe(60_000);
    expect(drainTimeMs([...argv, '--drain-time=10s'], { KUMA_DATAPLANE_DRAIN_TIME: '2m' })).toBe(120_000);
  });

  it('gives 15 s on top of the drain: 45 s for the default', () => {
    expect(stopTimeoutMs(['kuma-dp', 'run'], {})).toBe(45_000);
    expect(stopTimeoutMs(['kuma-dp', 'run', '--drain-time=0s'], {})).toBe(15_000);
  });
});
