import { describe, expect, it } from 'vitest';
import {
  dataplaneVarFlag,
  effectiveVars,
  nestDataplaneVars,
  parseDataplaneVarFlag,
  parseDataplaneVarFlags,
} from '../../src/render/dataplane-vars.js';
import { readGoCsvRecord } from '../../src/render/go-csv.js';

// Expected CSV errors and records were checked against Go's encoding/csv.
describe('--dataplane-var values (pflag StringToString Set)', () => {
  it.each([
    ['one =: a plain pair', 'name=web-1', [['name', 'web-1']]],
    ['one =: commas are kept in the value', 'tags=a,b,c', [['tags', 'a,b,c']]],
    ['one =: quotes trimmed around the whole k=v', '"name=web"', [['name', 'web']]],
    ['one =: a quoted value loses only its last quote', 'name="web"', [['name', '"web']]],
    ['one =: every leading and trailing quote goes', '""a=b""', [['a', 'b']]],
    ['one =: empty key', '=x', [['', 'x']]],
    [
      '2+ =: split as CSV',
      'a=1,b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    ['2+ =: one field keeps the rest after the first =', 'url=http://h/?q=1', [['url', 'http://h/?q=1']]],
    ['2+ =: a == b', 'a==', [['a', '=']]],
    [
      '2+ =: a quoted CSV field keeps its comma',
      '"a=x,y",b=2',
      [
        ['a', 'x,y'],
        ['b', '2'],
      ],
    ],
    [
      '2+ =: "" inside a quoted field is a quote',
      '"a=say ""hi""",b=2',
      [
        ['a', 'say "hi"'],
        ['b', '2'],
      ],
    ],
    ['2+ =: a newline ends the record, later lines are dropped', 'a=1\nb=2,c=3', [['a', '1']]],
    [
      '2+ =: leading empty lines are skipped',
      '\na=1,b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      '2+ =: a trailing \\r before EOF is dropped',
      'a=1,b=2\r',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      '2+ =: a quoted field runs across lines',
      '"a=1\nb=2",c=3',
      [
        ['a', '1\nb=2'],
        ['c', '3'],
      ],
    ],
    [
      '2+ =: a later duplicate in one record wins',
      'a=1,a=2',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
  ])('%s', (_, value, pairs) => expect(parseDataplaneVarFlag(value)).toEqual({ pairs }));

  it.each([
    ['no =', 'name', 'name must be formatted as key=value'],
    ['a CSV field without =', 'a=1,b,c=2', 'b must be formatted as key=value'],
    ['bare quote in an unquoted field', 'a="x,y",b=2', 'parse error on line 1, column 3: bare " in non-quoted-field'],
    ['columns count UTF-8 bytes', 'é="x,b=1', 'parse error on line 1, column 4: bare " in non-quoted-field'],
    [
      'unterminated quoted field',
      '"a=1,b=2',
      'parse error on line 1, column 9: extraneous or missing " in quoted-field',
    ],
    [
      'text after a closing quote',
      '"a=1"x,b=2',
      'parse error on line 1, column 5: extraneous or missing " in quoted-field',
    ],
    [
      'error on a later line of a multi-line record',
      '"a=1\nb"x,c=2',
      'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field',
    ],
  ])('rejects: %s', (_, value, error) => expect(parseDataplaneVarFlag(value)).toEqual({ error }));

  it('reads one CSV record like Go when there is no = at all', () => {
    expect(readGoCsvRecord('x,"y"\nz')).toEqual({ ok: true, record: ['x', 'y'] });
    expect(readGoCsvRecord('\n\n')).toEqual({ ok: false, error: 'EOF' });
  });
});

describe('repeated --dataplane-var flags', () => {
  it('merges keys; a later value wins and moves to the end', () => {
    const { vars, errors } = parseDataplaneVarFlags(['a=1', 'b=2', 'a=3']);
    expect([...vars]).toEqual([
      ['b', '2'],
      ['a', '3'],
    ]);
    expect(errors).toEqual([]);
  });

  it('collects every rejected value; a rejected value sets none of its pairs', () => {
    const { vars, errors } = parseDataplaneVarFlags(['x=1', 'oops', 'x=2,y,z=3', 'w=4']);
    expect([...vars]).toEqual([
      ['x', '1'],
      ['w', '4'],
    ]);
    expect(errors).toEqual(['oops must be formatted as key=value', 'y must be formatted as key=value']);
  });
});

describe('dotted keys become nested maps, merged shallowly', () => {
  it.each([
    ['plain keys stay flat', [['a', '1']], { a: '1' }, []],
    ['a dotted key nests', [['net.addr', '1.2.3.4']], { net: { addr: '1.2.3.4' } }, []],
    ['every dot nests', [['a.b.c', 'v']], { a: { b: { c: 'v' } } }, []],
    ['empty segments are keys too', [['a..b', 'v']], { a: { '': { b: 'v' } } }, []],
    [
      'two dotted keys with one prefix collide, the last is kept',
      [
        ['a.b', '1'],
        ['a.c', '2'],
      ],
      { a: { c: '2' } },
      [{ key: 'a', vars: ['a.b', 'a.c'] }],
    ],
    [
      'a plain key and a dotted key with its name collide',
      [
        ['a.b', '1'],
        ['a', 'x'],
      ],
      { a: 'x' },
      [{ key: 'a', vars: ['a.b', 'a'] }],
    ],
    ['__proto__ is an ordinary key', [['__proto__.x', '1']], { ['__proto__']: { x: '1' } }, []],
  ] satisfies Array<[string, Array<[string, string]>, object, object[]]>)('%s', (_, entries, data, collisions) => {
    const got = nestDataplaneVars(new Map(entries));
    expect(JSON.parse(JSON.stringify(got.data))).toEqual(JSON.parse(JSON.stringify(data)));
    expect(Object.keys(got.data)).toEqual(Object.keys(data));
    expect(got.collisions).toEqual(collisions);
  });
});

describe('our argv and what kuma-dp makes of it', () => {
  it('builds a long-flag argv element', () => {
    expect(dataplaneVarFlag('name', 'web-1')).toBe('--dataplane-var=name=web-1');
  });

  it('reports nothing when kuma-dp sees what was written', () => {
    const got = effectiveVars({ name: 'web-1', tags: 'a,b', url: 'http://h/?q=1' });
    expect(got.divergences).toEqual([]);
    expect(Object.fromEntries(got.vars)).toEqual({ name: 'web-1', tags: 'a,b', url: 'http://h/?q=1' });
  });

  it.each([
    [
      'csv-split',
      'labels',
      'a=1,b=2',
      [
        ['labels', 'a=1'],
        ['b', '2'],
      ],
    ],
    ['quotes-trimmed', 'name', '"web"', [['name', '"web']]],
  ] as const)('%s: %s=%s', (reason, key, value, pairs) => {
    expect(effectiveVars({ [key]: value }).divergences).toEqual([
      { key, value, flag: `--dataplane-var=${key}=${value}`, reason, pairs },
    ]);
  });

  it('rejected: a quote inside a value with 2+ =', () => {
    const got = effectiveVars({ x: 'a="b",c=d', y: '1' });
    const error = 'parse error on line 1, column 5: bare " in non-quoted-field';
    expect(got.divergences).toEqual([
      { key: 'x', value: 'a="b",c=d', flag: '--dataplane-var=x=a="b",c=d', reason: 'rejected', pairs: [], error },
    ]);
    expect(got.errors).toEqual([error]);
    expect([...got.vars]).toEqual([['y', '1']]);
  });

  it('a split var can override another one', () => {
    const got = effectiveVars({ b: 'kept?', a: 'x,b=2' });
    expect(got.vars.get('b')).toBe('2');
    expect(got.errors).toEqual([]);
  });
});
