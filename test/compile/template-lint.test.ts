import { describe, expect, it } from 'vitest';
import { lintTemplate } from '../../src/compile/template-lint.js';
import type { Issue } from '../../src/issues.js';

const lint = (template: string, intended: Record<string, string>, varsFile?: string): Issue[] =>
  lintTemplate({ file: 'dp.yaml', template, intended, ...(varsFile ? { varsFile } : {}) });
const only = (issues: Issue[], code: string) => issues.filter((i) => i.code === code);

const GOOD = `type: Dataplane
mesh: default
name: {{name}}
networking:
  address: {{address}}
  inbound:
    - port: {{port}}
      tags:
        kuma.io/service: "{{service}}"
{{#zone}}
        zone: {{zone}}
{{/zone}}
`;
const goodVars = { name: 'web-1', address: '10.0.0.1', port: '8080', service: 'web', zone: 'eu' };

describe('lintTemplate', () => {
  it('finds nothing in a correct template', () => {
    expect(lint(GOOD, goodVars)).toEqual([]);
  });

  it('missing var: error with a "did you mean" when a var is within edit distance 2', () => {
    expect(only(lint('a: {{adress}}\nb: {{zzz}}\n', { address: '1' }), 'template.var.missing')).toEqual([
      {
        severity: 'error',
        code: 'template.var.missing',
        file: 'dp.yaml',
        line: 1,
        message: '{{adress}}: no var "adress"; kuma-dp renders an empty string',
        hint: 'did you mean address?',
      },
      {
        severity: 'error',
        code: 'template.var.missing',
        file: 'dp.yaml',
        line: 2,
        message: '{{zzz}}: no var "zzz"; kuma-dp renders an empty string',
      },
    ]);
  });

  it('missing section var: a warning only when it looks like a typo of a var', () => {
    const issues = lint('{{#zone}}a: 1{{/zone}}\n{{#other}}b: 2{{/other}}\n', { zones: 'eu' });
    expect(only(issues, 'template.var.missing')).toEqual([
      {
        severity: 'warning',
        code: 'template.var.missing',
        file: 'dp.yaml',
        line: 1,
        message: '{{#zone}}: no var "zone"; kuma-dp renders the section as if it were unset',
        hint: 'did you mean zones?',
      },
    ]);
  });

  it.each([
    ['&', 'a&b', '&', '"a&amp;b"'],
    ['<', 'a<b', '<', '"a&lt;b"'],
    ['>', 'a>b', '>', '"a&gt;b"'],
    ['"', 'a"b', '"', '"a&#34;b"'],
    ["'", "a'b", "'", '"a&#39;b"'],
    ['NUL', 'a\0b', 'NUL', '"a\uFFFDb"'],
    ['several', `<&<'`, "< & '", '"&lt;&amp;&lt;&#39;"'],
  ])('value changed by HTML escaping (%s): error naming the characters', (_, value, chars, rendered) => {
    expect(only(lint('a: "{{v}}"\n', { v: value }), 'template.var.escaped')).toEqual([
      {
        severity: 'error',
        code: 'template.var.escaped',
        file: 'dp.yaml',
        line: 1,
        message: `{{v}}: kuma-dp HTML-escapes ${chars} in the value, rendering ${rendered}`,
        hint: 'use {{{v}}} for the value as is (and quote it for YAML)',
      },
    ]);
  });

  it('does not report escaping for a raw placeholder', () => {
    expect(lint("a: '{{{v}}}'\n", { v: 'a&b<c>' })).toEqual([]);
  });

  it.each([
    ['unmatched open tag', 'a: 1\nb: {{x\n', 2, 'template parse error "line 2: unmatched open tag"'],
    ['section line quirk: hoisie says line 2, it is on line 3', '{{#x}}\nb: 1\n{{/y}}', 3, '"line 2: interleaved'],
    [
      'panic',
      'a: 1\n{{=}}\n',
      2,
      'kuma-dp panics parsing this template (runtime error: slice bounds out of range [1:0])',
    ],
  ])('template parse error (%s): one error, nothing else', (_, template, line, message) => {
    const issues = lint(template, { x: '1' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'template.parse', file: 'dp.yaml', line });
    expect(issues[0]!.message).toContain(message);
  });

  it('parse error text is named as the whole rendered document', () => {
    expect(lint('{{}}', {})[0]!.message).toBe(
      'template parse error "line 1: empty tag": kuma-dp renders that text as the whole Dataplane document',
    );
  });

  it.each([
    ['after a delimiter change', '{{=<% %>=}}\na: <%x%>\nb: {{x}}\n', 3, '"{{" and "}}"'],
    ['a stray closer', 'a: {{x}} }}\n', 1, '"}}"'],
    ["the docs' { { x } }", 'a: 1\nb: { { x } }\n', 2, '"{ {"'],
  ])('leftover braces (%s): warning at the template line', (_, template, line, found) => {
    expect(only(lint(template, { x: '1' }), 'template.leftover-braces')).toEqual([
      {
        severity: 'warning',
        code: 'template.leftover-braces',
        file: 'dp.yaml',
        line,
        message: `${found} left in the rendered Dataplane: kuma-dp did not take it as a tag`,
      },
    ]);
  });

  it('{{&x}} is an error and not also reported as missing', () => {
    expect(lint('a: {{&x}}\n', { x: '1' })).toEqual([
      {
        severity: 'error',
        code: 'template.tag.ampersand',
        file: 'dp.yaml',
        line: 1,
        message: `{{&x}} is not supported by kuma-dp's mustache: it looks up a var literally named "&x" and renders nothing`,
        hint: 'use {{{x}}} for an unescaped value',
      },
    ]);
  });

  it('raw tag with inner whitespace is an error and not also reported as missing', () => {
    expect(lint('a: {{{ x }}}\n', { x: '1' })).toEqual([
      {
        severity: 'error',
        code: 'template.tag.raw-whitespace',
        file: 'dp.yaml',
        line: 1,
        message: '{{{ x }}} keeps the spaces in the name: kuma-dp looks up " x " and renders nothing',
        hint: 'write {{{x}}}',
      },
    ]);
  });

  it('a {-tag that hoisie drops is an error', () => {
    expect(only(lint('a: 1\nb: {{ {x }}\n', { x: '1' }), 'template.tag.ignored')).toMatchObject([
      {
        severity: 'error',
        line: 2,
        message: '{{ {x }} starts with "{" but does not end with "}": kuma-dp drops it and renders nothing',
      },
    ]);
  });

  it('partial: error per partial, and the rest is still linted', () => {
    const issues = lint('a: {{> header}}\nb: {{nope}}\n', {});
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['template.partial', 1],
      ['template.var.missing', 2],
    ]);
    expect(issues[0]!.message).toContain('relative to its working directory');
  });

  // These crashed the lint (TypeError on a null template): a partial hid the failure behind it.
  it.each([
    ['{{>}}{{', 'Could not find partial ""', 'line 1: unmatched open tag'],
    ['{{#}}{{>}}', 'Could not find partial ""', 'line 1: Section  has no closing tag'],
    ['{{>p}}{{=}}', 'Could not find partial "p"', 'kuma-dp panics parsing this template'],
  ])('%j: the partial and the failure behind it, without throwing', (template, partial, behind) => {
    const issues = lint(template, {});
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['template.partial', 1],
      ['template.parse', 1],
    ]);
    expect(issues[0]!.message).toContain(`renders "${partial}" as the whole Dataplane`);
    expect(issues[1]!.message).toContain(behind);
  });

  it('a partial naming a directory: the lint says what kuma-dp renders', () => {
    expect(lint('a: 1\n{{> ./ }}\n', {}).map((i) => [i.code, i.line, i.message])).toEqual([
      [
        'template.partial',
        2,
        'partial {{> ./}} is unsupported: kuma-dp reads it from a file relative to its working directory, and renders "read .: is a directory" as the whole Dataplane when it cannot',
      ],
    ]);
  });

  it('a var named __proto__ is a var like any other', () => {
    expect(lint('a: {{__proto__}}\n', { ['__proto__']: 'x' })).toEqual([]);
  });

  it('dotted keys that collide: error on the vars file', () => {
    const issues = lint('a: {{a.b}}\nc: {{a.c}}\n', { 'a.b': '1', 'a.c': '2' }, 'hosts/web.yaml');
    expect(only(issues, 'template.var.collision')).toEqual([
      {
        severity: 'error',
        code: 'template.var.collision',
        file: 'hosts/web.yaml',
        path: 'dataplane.vars.a',
        message:
          'vars a.b, a.c share the first segment "a": kuma-dp keeps only one of them, picked by Go map order (random)',
        hint: 'give dotted vars distinct first segments, or avoid dots in var names',
      },
    ]);
    // kuma-dp may keep either; we render the last, so a.b is missing.
    expect(only(issues, 'template.var.missing').map((i) => i.line)).toEqual([1]);
  });

  it.each([
    [
      'comma + 2 =: CSV split',
      { labels: 'a=1,b=2' },
      'template.var.csv-split',
      'kuma-dp reads --dataplane-var=labels=a=1,b=2 as CSV (a value with \'=\' and \',\') and sets labels="a=1", b="2"',
    ],
    [
      'surrounding quotes: trimmed',
      { name: '"web"' },
      'template.var.quotes-trimmed',
      `kuma-dp trims '"' from both ends of --dataplane-var=name="web" and sets name="\\"web"`,
    ],
    [
      'a quote with 2 =: rejected',
      { x: 'a="b",c=d' },
      'template.var.rejected',
      'kuma-dp rejects --dataplane-var=x=a="b",c=d and does not start: parse error on line 1, column 5: bare " in non-quoted-field',
    ],
  ])('var that kuma-dp reads differently (%s): error', (_, intended, code, message) => {
    const key = Object.keys(intended)[0]!;
    const issues = lint(`v: "{{{${key}}}}"\n`, intended, 'hosts/web.yaml');
    expect(only(issues, code)).toMatchObject([
      { severity: 'error', file: 'hosts/web.yaml', path: `dataplane.vars.${key}`, message },
    ]);
  });

  it.each([
    ['": "', 'name: {{v}}\n', 'x: y', '`: `'],
    ['" #"', 'name: {{v}}\n', 'x #y', '` #`'],
    ['newline', 'name: {{v}}\n', 'x\ny', 'a newline'],
    ['leading *', 'name: {{v}}\n', '*x', 'a leading `*`'],
    ['leading [', 'name: {{v}}\n', '[x', 'a leading `[`'],
    ['leading @', 'name: {{v}}\n', '@x', 'a leading `@`'],
    ["leading ' that became &#39;", 'name: {{v}}\n', "'x'", 'a leading `&`'],
  ])('YAML-significant value at an unquoted placeholder (%s): warning', (_, template, value, hazard) => {
    expect(only(lint(template, { v: value }), 'template.yaml.unquoted')).toMatchObject([
      { severity: 'warning', line: 1, message: expect.stringContaining(`which puts ${hazard} into an unquoted`) },
    ]);
  });

  it.each([
    ['mid-scalar leading character', 'name: web-{{v}}\n', '*x'],
    ['inside double quotes', 'name: "{{v}}"\n', 'x: y #z'],
    ['inside a YAML comment', 'a: 1 # {{v}}\n', 'x: y'],
    ['inside a block scalar', 'a: |\n  {{v}}\n', 'x: y #z'],
  ])('no YAML warning for a safe spot (%s)', (_, template, value) => {
    const issues = lint(template, { v: value });
    expect(issues.filter((i) => i.code.startsWith('template.yaml'))).toEqual([]);
  });

  it.each([
    ['raw " inside double quotes', 'name: "{{{v}}}"\n', 'a"b', '`"` or `\\`'],
    ['backslash inside double quotes', 'name: "{{v}}"\n', 'a\\nb', '`"` or `\\`'],
    ["raw ' inside single quotes", "name: '{{{v}}}'\n", "it's", "`'`"],
  ])('value that breaks a quoted placeholder (%s): warning', (_, template, value, hazard) => {
    expect(only(lint(template, { v: value }), 'template.yaml.quoted')).toMatchObject([
      { severity: 'warning', line: 1, message: expect.stringContaining(`which puts ${hazard} into a quoted`) },
    ]);
  });

  it('rendered YAML that does not parse: error naming the vars on that line', () => {
    const issues = lint('a: 1\nb: {{v}}\nc: 2\n', { v: 'x: y' });
    expect(only(issues, 'template.yaml.invalid')).toEqual([
      {
        severity: 'error',
        code: 'template.yaml.invalid',
        file: 'dp.yaml (rendered Dataplane)',
        line: 2,
        message:
          'the rendered Dataplane is not valid YAML: Nested mappings are not allowed in compact mappings; the line holds {{v}}',
      },
    ]);
  });

  it('invalid YAML without a var on the line names none', () => {
    expect(only(lint('a: b: c\nd: {{v}}\n', { v: 'ok' }), 'template.yaml.invalid')).toEqual([
      {
        severity: 'error',
        code: 'template.yaml.invalid',
        file: 'dp.yaml (rendered Dataplane)',
        line: 1,
        message: 'the rendered Dataplane is not valid YAML: Nested mappings are not allowed in compact mappings',
      },
    ]);
  });

  it('defined but unused var: warning', () => {
    expect(only(lint(GOOD, { ...goodVars, extra: 'x' }, 'hosts/web.yaml'), 'template.var.unused')).toEqual([
      {
        severity: 'warning',
        code: 'template.var.unused',
        file: 'hosts/web.yaml',
        path: 'dataplane.vars.extra',
        message: 'var "extra" is not used by the template dp.yaml',
      },
    ]);
  });

  it('a var used through an enclosing map section is used', () => {
    expect(lint('{{#net}}\na: {{addr}}\n{{/net}}\n', { 'net.addr': '1' })).toEqual([]);
  });

  it('a dotted group printed as a var: error showing the Go map text', () => {
    expect(only(lint('a: "{{net}}"\n', { 'net.addr': '1' }), 'template.var.map')).toMatchObject([
      {
        severity: 'error',
        line: 1,
        message: '{{net}} is a group of dotted vars: kuma-dp prints it as Go does, "map[addr:1]"',
      },
    ]);
  });

  it('section on an empty string: warning, since it still renders', () => {
    expect(only(lint('{{#zone}}\nz: 1\n{{/zone}}\n', { zone: '' }), 'template.section.empty-string')).toMatchObject([
      { severity: 'warning', line: 1 },
    ]);
  });
});
