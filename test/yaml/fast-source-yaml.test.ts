import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSimpleSource } from '../../src/yaml/fast-source-yaml.js';
import { parseYamlSource } from '../../src/yaml/yaml-source.js';
import { generatedHostFile } from '../support/fleet-generator.js';

const paths = (data: unknown, prefix: string[] = []): string[][] => {
  if (data === null || typeof data !== 'object') return [prefix];
  const entries = Array.isArray(data) ? data.map((v, i) => [String(i), v] as const) : Object.entries(data);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
};

/** Where the fast path answers, data and every path's line must equal the full parser's. */
function agree(text: string): boolean {
  const fast = parseSimpleSource(text);
  if (!fast) return false;
  expect(fast.data).toEqual(parse(text));
  const slow = parseYamlSource({ path: 'f.yaml', text }, '1.2', { fastPath: false });
  const lineOfFast = parseYamlSource({ path: 'f.yaml', text }).source!;
  for (const p of paths(fast.data))
    expect(lineOfFast.lineOf(p), `${p.join('.')} in\n${text}`).toBe(slow.source!.lineOf(p));
  return true;
}

describe('fast path for desired-state YAML files', () => {
  const repo = fileURLToPath(new URL('../../desired-state', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  const own = files(repo).filter((f) => /(fleet|hosts|groups)/.test(f.slice(repo.length)));

  it.each(own.map((f) => [f.slice(repo.length + 1), readFileSync(f, 'utf8')] as const))('%s', (_name, text) => {
    expect(agree(text)).toBe(true);
  });

  it('generated fleet host files', () => {
    for (let i = 0; i < 50; i++) expect(agree(generatedHostFile(i))).toBe(true);
  });

  it.each([
    [
      'scalars of the core schema',
      'a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1.5\nf: .inf\ng: true\nh: False\ni: null\nj: ~\nk: yes\nl: 1e3\nm: 010\n',
    ],
    [
      'quoted and spaced values',
      'a: "x y"\nb: \'it\'\nc: hello world\nd: https://cp.internal:5678\ne: /kuma/$HOST-token\n',
    ],
    ['comments', '# top\na: 1 # one\nb:\n  # inner\n  c: 2\n'],
    ['flow collections', 'a: [1, two, 3.5]\nb: { x: 1, y: z }\nc: []\nd: {}\n'],
    ['sequences of maps', 'a:\n  - x: 1\n    y: [1, 2]\n  - z\nb:\n- 1\n- 2\nc: 3\n'],
    ['flow collections as sequence items', 'a:\n  - { x: 1 }\n  - [1, b]\n'],
  ])('%s', (_name, text) => {
    expect(agree(text)).toBe(true);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['an escaped string', 'a: "x\\ny"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a quoted key', '"a": 1\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line scalar', 'a: b\n  c\n'],
    ['a nested flow collection', 'a: [[1]]\n'],
    ['a value with ": "', 'a: b: c\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['a __proto__ key', 'a:\n  __proto__: 1\n'],
  ])('leaves %s to the full parser', (_name, text) => {
    expect(parseSimpleSource(text)).toBeUndefined();
  });

  it('agrees with the full parser on random documents', () => {
    const scalar = fc.constantFrom(
      '1',
      '-3',
      '0x10',
      'yes',
      'web-1',
      '10.0.0.1',
      '/a/b',
      'true',
      'Null',
      '~',
      '1.5',
      '.5',
      '"q"',
      "'s'",
      'a b',
    );
    const key = fc.constantFrom('a', 'b', 'port', 'kuma.io/service', 'x_1', 'name');
    const flow = fc.oneof(
      fc.array(fc.constantFrom('1', 'x', '2.5', 'true'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom('k', 'l', 'm'), fc.constantFrom('1', 'v', 'false')), {
          selector: (t) => t[0],
          maxLength: 3,
        })
        .map((kv) => `{ ${kv.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    );
    const doc = fc
      .uniqueArray(
        fc.tuple(
          key,
          fc.oneof(
            scalar,
            flow,
            fc.uniqueArray(fc.tuple(key, scalar), { selector: (t) => t[0], minLength: 1, maxLength: 3 }),
          ),
        ),
        {
          selector: (t) => t[0],
          minLength: 1,
          maxLength: 5,
        },
      )
      .map((entries) =>
        entries
          .map(([k, v]) =>
            typeof v === 'string' ? `${k}: ${v}\n` : `${k}:\n${v.map(([k2, v2]) => `  ${k2}: ${v2}\n`).join('')}`,
          )
          .join(''),
      );
    let handled = 0;
    fc.assert(
      fc.property(doc, (text) => {
        if (agree(text)) handled++;
      }),
      { numRuns: 300 },
    );
    expect(handled).toBeGreaterThan(250);
  });
});
