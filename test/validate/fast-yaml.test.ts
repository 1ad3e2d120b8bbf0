import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newContext } from '../../src/validate/dataplane-context.js';
import { parseRenderedYamlFully, resolvePlainScalar } from '../../src/validate/dataplane-yaml.js';
import { parseSimpleYaml } from '../../src/validate/fast-yaml.js';
import { parseKumaVersion } from '../../src/versions.js';

const full = (text: string) => parseRenderedYamlFully(newContext('t.yaml', parseKumaVersion('2.14.3')), text)?.root;
const fast = (text: string) => parseSimpleYaml(text, resolvePlainScalar);

/** Where the fast path answers, its tree must be exactly the full parser's, lines included. */
describe('fast YAML path for rendered Dataplanes', () => {
  const templates = readdirSync(new URL('../../desired-state/templates/', import.meta.url)).map((f) =>
    readFileSync(new URL(`../../desired-state/templates/${f}`, import.meta.url), 'utf8'),
  );
  const render = (t: string, vars: Record<string, string>) =>
    t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => vars[k] ?? '');

  it.each(templates.map((t, i) => [i, t] as const))(
    'sample template %i renders to a tree the fast path reproduces',
    (_i, t) => {
      const text = render(t, { name: 'web-1', address: '10.0.0.1', port: '8080', service: 'web' });
      expect(fast(text)).toBeDefined();
      expect(fast(text)).toEqual(full(text));
    },
  );

  it.each([
    ['YAML 1.1 scalars', 'a: yes\nb: on\nc: 0x1F\nd: 010\ne: 1:30\nf: .inf\ng: 1e3\nh: true\ni: 1_000\nj: off\n'],
    ['keys that are not strings', '1: a\nyes: b\nnull: c\n'],
    ['empty values and nesting', 'a:\nb:\n  c:\n  d: 1\ne: 2\n'],
    ['sequences at the key indent and deeper', 'a:\n- x: 1\n  y: 2\n- z\nb:\n  - 1\n  - 2\nc: 3\n'],
    ['comments and blank lines', '# head\n\na: 1\n  # inner\nb:\n\n  c: 2\n'],
    ['root sequence', '- a\n- b: 1\n  c: 2\n'],
    ['flow collections typed by YAML 1.1', 'a: {b: 1, on: yes}\nc: [yes, 0x10, web, 1:30]\nd: []\ne: {}\n'],
    ['quoted values stay strings', 'a: "yes"\nb: \'010\'\nc: "x y"\n'],
    ['trailing comments', 'a: 1 # c\nb: web # d\n'],
    ['values with spaces', 'a: b c\nd: hello world 1\n'],
  ])('%s', (_name, text) => {
    const f = fast(text);
    expect(f).toBeDefined();
    expect(f).toEqual(full(text));
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['an escaped string', 'a: "x\\ny"\n'],
    ['a nested flow collection', 'a: [[1]]\n'],
    ['a null in a flow collection', 'a: [~]\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['keys that are equal once typed', 'on: 1\ntrue: 2\n'],
    ['a merge key', '<<: {a: 1}\n'],
    ['a document marker', '---\na: 1\n'],
    ['a value ending in a colon', 'a: b:\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['a multi-line scalar', 'a: b\n  c\n'],
  ])('leaves %s to the full parser', (_name, text) => expect(fast(text)).toBeUndefined());

  it('agrees with the full parser on random block documents', () => {
    const scalar = fc.constantFrom(
      '1',
      '0x10',
      'yes',
      'no',
      'web',
      '10.0.0.1',
      'a.b/c',
      '1:30',
      '.5',
      'null',
      'true',
      'x-y_z',
      '8080',
      '"yes"',
      "'0x10'",
      'a b',
      '1 # note',
      '[1, on, web]',
      '{k: no, l: 2}',
    );
    const key = fc.constantFrom('a', 'b', 'port', 'kuma.io/service', 'x_1', '1', 'on');
    const doc: fc.Arbitrary<string> = fc
      .letrec((tie) => ({
        map: fc.uniqueArray(fc.tuple(key, fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('seq'))), {
          minLength: 1,
          maxLength: 4,
          selector: (e) => e[0],
        }),
        seq: fc.array(fc.oneof({ depthSize: 'small' }, scalar, tie('map')), { minLength: 1, maxLength: 3 }),
      }))
      .map.map((m) => emit(m as Entry[], 0));
    let handled = 0;
    fc.assert(
      fc.property(doc, (text) => {
        const f = fast(text);
        if (f === undefined) return;
        handled++;
        expect(f).toEqual(full(text));
      }),
      { numRuns: 400 },
    );
    // The generator only writes the subset, so the fast path must take (nearly) all of them.
    expect(handled).toBeGreaterThan(380);
  });
});

type Value = string | Entry[] | Value[];
type Entry = [string, Value];
function emit(entries: Entry[], indent: number): string {
  const pad = ' '.repeat(indent);
  return entries
    .map(([k, v]) => {
      if (typeof v === 'string') return `${pad}${k}: ${v}\n`;
      if (isMap(v)) return `${pad}${k}:\n${emit(v, indent + 2)}`;
      return `${pad}${k}:\n${(v as Value[]).map((item) => emitItem(item, indent + 2)).join('')}`;
    })
    .join('');
}
function emitItem(item: Value, indent: number): string {
  const pad = ' '.repeat(indent);
  if (typeof item === 'string') return `${pad}- ${item}\n`;
  const body = emit(item as Entry[], indent + 2);
  return `${pad}- ${body.slice(indent + 2)}`;
}
const isMap = (v: Value): v is Entry[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  Array.isArray(v[0]) &&
  typeof (v[0] as unknown[])[0] === 'string' &&
  (v[0] as unknown[]).length === 2 &&
  !Array.isArray((v[0] as unknown[])[0]);
