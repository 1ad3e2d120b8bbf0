import { describe, expect, it } from 'vitest';
import { goSprint, listTags, type MustacheData, renderKumaDpTemplate } from '../../src/render/mustache.js';
import { parseTemplate } from '../../src/render/mustache-parse.js';

const data: MustacheData = {
  name: 'web-1',
  amp: 'a&b',
  lt: 'a<b',
  gt: 'a>b',
  dquote: 'say "hi"',
  squote: "it's",
  nul: 'a\0b',
  all: `&<>"'`,
  empty: '',
  net: { addr: '10.0.0.1', port: '80' },
  x: 'outer',
  '&x': 'amp-named',
  ' x ': 'spaced',
};

const render = (t: string, d: MustacheData = data) => renderKumaDpTemplate(t, d);

describe('hoisie/mustache variables', () => {
  it.each([
    ['plain value', 'name: {{name}}', 'name: web-1'],
    ['& escaped', '{{amp}}', 'a&amp;b'],
    ['< escaped', '{{lt}}', 'a&lt;b'],
    ['> escaped', '{{gt}}', 'a&gt;b'],
    ['" escaped as &#34;', '{{dquote}}', 'say &#34;hi&#34;'],
    ["' escaped as &#39;", '{{squote}}', 'it&#39;s'],
    ['NUL becomes U+FFFD', '{{nul}}', 'a\uFFFDb'],
    ['all five at once', '{{all}}', '&amp;&lt;&gt;&#34;&#39;'],
    ['triple mustache is raw', '{{{all}}}', `&<>"'`],
    ['triple mustache keeps NUL', '{{{nul}}}', 'a\0b'],
    ['spaces inside the tag are trimmed', '{{ name }}', 'web-1'],
    ['tabs and newlines inside the tag are trimmed', '{{\tname\n}}', 'web-1'],
    ['missing variable renders as empty', 'a{{nope}}b', 'ab'],
    ['{{&x}} looks up a var literally named "&x"', '{{&x}}', 'amp-named'],
    ['{{& name}} is the name "& name", missing', '[{{& name}}]', '[]'],
    ['{{{ x }}} keeps the inner spaces in the name (inferred)', '{{{ x }}}', 'spaced'],
    ['{{{ name }}} therefore renders empty (inferred)', '[{{{ name }}}]', '[]'],
    ['{{{}}} is a raw var named "", missing', '[{{{}}}]', '[]'],
    ['a {-tag without closing } is dropped', '[{{ {name }}]', '[]'],
    ['empty string value renders empty', '[{{empty}}]', '[]'],
    ['dotted lookup into a nested map', '{{net.addr}}:{{net.port}}', '10.0.0.1:80'],
    ['dotted lookup of a missing key', '[{{net.nope}}]', '[]'],
    ['dotted lookup through a string is missing', '[{{name.length}}]', '[]'],
    ['a nested map prints like Go fmt.Sprint, keys sorted', '{{net}}', 'map[addr:10.0.0.1 port:80]'],
    ['no standalone-line trimming around variables', '  {{name}}  \n', '  web-1  \n'],
  ])('%s', (_, template, want) => expect(render(template)).toBe(want));

  it('prints the map with escaping applied to the whole Sprint text', () => {
    expect(render('{{m}}', { m: { b: 'x&y', a: { c: '"' } } })).toBe('map[a:map[c:&#34;] b:x&amp;y]');
  });

  it('prints the root context as a map for {{.}}', () => {
    expect(render('{{.}}', { b: '1', a: 'x&' })).toBe('map[a:x&amp; b:1]');
  });

  it('orders map keys by Go byte order, not JS UTF-16 order', () => {
    expect(goSprint({ '\u{1F600}': '1', '\uFFFD': '2', B: '3', a: '4' })).toBe('map[B:3 a:4 \uFFFD:2 \u{1F600}:1]');
  });
});

describe('hoisie/mustache sections', () => {
  const sectionData: MustacheData = {
    name: 'web-1',
    empty: '',
    net: data.net!,
    x: 'outer',
    m: { x: 'inner' },
    s: 'set',
  };
  const sectionRoot = 'map[empty: m:map[x:inner] name:web-1 net:map[addr:10.0.0.1 port:80] s:set x:outer]';
  it.each([
    ['present string renders', '{{#name}}yes{{/name}}', 'yes'],
    ['empty string still renders', '{{#empty}}yes{{/empty}}', 'yes'],
    ['missing does not render', '[{{#nope}}yes{{/nope}}]', '[]'],
    ['inverted: present string hides', '[{{^name}}no{{/name}}]', '[]'],
    ['inverted: empty string hides', '[{{^empty}}no{{/empty}}]', '[]'],
    ['inverted: missing shows', '{{^nope}}no{{/nope}}', 'no'],
    ['map section pushes the map as context', '{{#net}}{{addr}}/{{name}}{{/net}}', '10.0.0.1/web-1'],
    ['section name is trimmed', '{{# name }}yes{{/ name }}', 'yes'],
    ['the newline right after an open tag is skipped', '{{#name}}\nA\n{{/name}}\nB', 'A\n\nB'],
    ['a CRLF right after an open tag is skipped', '{{#name}}\r\nA{{/name}}', 'A'],
    ['only one newline is skipped', '{{#name}}\n\nA{{/name}}', '\nA'],
    ['dotted section name', '{{#net.addr}}has-addr{{/net.addr}}', 'has-addr'],
    ['a dotted rest is looked up only in the first part', '[{{#m}}{{x.s}}{{/m}}]', '[]'],
    // Inferred from recollection of the source: a string section pushes the ROOT context, not the innermost.
    ['inside a string section, names resolve from the root first', '{{#m}}{{#s}}{{x}}{{/s}}{{/m}}', 'outer'],
    ['inside an inverted section, too', '{{#m}}{{^nope}}{{x}}{{/nope}}{{/m}}', 'outer'],
    ['inside a map section, names resolve from the map first', '{{#m}}{{x}}{{/m}}', 'inner'],
    ['inside a string section, {{.}} is the root map', '{{#m}}{{#s}}{{.}}{{/s}}{{/m}}', sectionRoot],
    ['inside a map section, {{.}} is that map', '{{#m}}{{.}}{{/m}}', 'map[x:inner]'],
  ])('%s', (_, template, want) => expect(render(template, sectionData)).toBe(want));
});

describe('hoisie/mustache comments and delimiters', () => {
  it.each([
    ['comment renders nothing', 'a{{! anything }}b', 'ab'],
    ['multi-line comment', 'a{{!\nline\n}}b', 'ab'],
    ['delimiter change', '{{=<% %>=}}<%name%> {{name}}', 'web-1 {{name}}'],
    ['raw var with changed delimiters', '{{=<% %>=}}<%{amp}%>', 'a&b'],
    ['change and change back', '{{=<% %>=}}<%={{ }}=%>{{name}}', 'web-1'],
    ['a single part leaves the delimiters alone', '{{=x=}}{{name}}', 'web-1'],
    ['a second space becomes part of the close tag', '{{=<%  %>=}}<%name %>', 'web-1'],
  ])('%s', (_, template, want) => expect(render(template)).toBe(want));
});

describe('hoisie/mustache parse errors become the rendered document', () => {
  it.each([
    ['unmatched open tag', 'a\nb\n{{x', 'line 3: unmatched open tag'],
    ['unmatched open tag: its own newlines are not counted', '{{x\n\n', 'line 1: unmatched open tag'],
    ['{{{x}} lacks "}}}"', '{{{x}}', 'line 1: unmatched open tag'],
    ['unmatched close tag', 'a\n{{/x}}', 'line 2: unmatched close tag'],
    ['empty tag', 'a\n\n{{ }}', 'line 3: empty tag'],
    ['section without close', 'x\n{{#a}}\nb', 'line 2: Section a has no closing tag'],
    ['interleaved close', '{{#a}}{{#b}}{{/a}}{{/b}}', 'line 1: interleaved closing tag: a'],
    ['invalid meta tag', '{{=<% %>}}', 'line 1: Invalid meta tag'],
    ['partial (never read from disk)', 'x: {{> header }}', 'Could not find partial "header"'],
    ['partial name is Go-%q-quoted', '{{>a"b}}', 'Could not find partial "a\\"b"'],
    ['a partial before a syntax error wins', '{{>p}}{{/x}}', 'Could not find partial "p"'],
    ['a syntax error before a partial wins', '{{/x}}{{>p}}', 'line 1: unmatched close tag'],
    // Found by comparing with Kuma's render.go and hoisie at 6375acf: these used to crash the lint.
    ['an empty partial before an unmatched open tag', '{{>}}{{', 'Could not find partial ""'],
    ['a partial inside an unclosed section', '{{#}}{{>}}', 'Could not find partial ""'],
    ['a partial before a delimiter panic', '{{>p}}{{=}}', 'Could not find partial "p"'],
    // hoisie's parsePartial opens path.Join(CWD, name); a directory opens, and ReadFile fails on it.
    ['partial naming the working directory', '{{>.}}', 'read .: is a directory'],
    ['partial naming its parent', '{{>..}}', 'read ..: is a directory'],
    ['partial naming the root', '{{>/}}', 'read /: is a directory'],
    ['partial path is cleaned: ./', '{{>./}}', 'read .: is a directory'],
    ['partial naming /etc', '{{>/etc}}', 'read /etc: is a directory'],
    ['partial path is cleaned lexically: a/..', '{{> a/.. }}', 'read .: is a directory'],
    ['partial path is cleaned: /etc/../', '{{>/etc/../}}', 'read /: is a directory'],
    ['parents of parents', '{{>../../..}}', 'read ../../..: is a directory'],
    ['a file below a directory is not assumed', '{{>/etc/kuma}}', 'Could not find partial "/etc/kuma"'],
    ['a relative name is not assumed', '{{>../x}}', 'Could not find partial "../x"'],
    // The newline skipped after a section open tag is not counted: lines after it are reported one short.
    ['line quirk: unmatched open tag on real line 3', '{{#s}}\nb\n{{x', 'line 2: unmatched open tag'],
    ['line quirk: nested sections, real line 3', '{{#a}}\n{{#b}}\n{{/a}}', 'line 1: interleaved closing tag: a'],
  ])('%s', (_, template, want) => expect(render(template)).toBe(want));

  it.each([
    ['{{=}}', 1],
    ['a\n{{ = }}', 2],
  ])('%j panics in Go: kuma-dp crashes, we return the panic line', (template, line) => {
    const parsed = parseTemplate(template);
    expect(parsed).toEqual({
      ok: false,
      template: null,
      error: {
        kind: 'panic',
        line: 0,
        sourceLine: line,
        message: 'runtime error: slice bounds out of range [1:0]',
        text: 'runtime error: slice bounds out of range [1:0]',
      },
    });
    expect(render(template)).toBe('panic: runtime error: slice bounds out of range [1:0]');
  });

  it('reports the hoisie line and the real line of the offending tag', () => {
    expect(parseTemplate('{{#s}}\nb\n{{x')).toEqual({
      ok: false,
      template: null,
      error: {
        kind: 'syntax',
        line: 2,
        sourceLine: 3,
        message: 'unmatched open tag',
        text: 'line 2: unmatched open tag',
      },
    });
  });

  it('keeps the error behind a partial, for the lint', () => {
    const parsed = parseTemplate('{{>p}}\n{{=}}');
    expect(parsed.ok).toBe(false);
    expect(parsed.template).toBeNull();
    expect(parsed.ok ? null : [parsed.error.text, parsed.masked?.kind, parsed.masked?.sourceLine]).toEqual([
      'Could not find partial "p"',
      'panic',
      2,
    ]);
  });

  it('keeps the template when only partials fail, and lists them', () => {
    const parsed = parseTemplate('a: {{x}}\n{{> one}}\n{{>two}}');
    expect(parsed.ok).toBe(false);
    expect(parsed.template?.partials).toEqual(['one', 'two']);
    expect(parsed.ok ? null : parsed.error).toEqual({
      kind: 'partial',
      line: 0,
      sourceLine: 2,
      message: 'Could not find partial "one"',
      text: 'Could not find partial "one"',
    });
  });
});

describe('listTags', () => {
  it('lists every tag with its kind, name, real line and enclosing sections', () => {
    const source = [
      'a: {{ name }}', // 1
      '{{#net}}', // 2
      'b: {{{addr}}}{{! note }}', // 3
      '{{/net}}', // 4
      '{{^off}}{{&x}}{{/off}}{{>p}}', // 5
      '{{=<% %>=}}<% {y %>', // 6
    ].join('\n');
    const parsed = parseTemplate(source);
    const tags = listTags(parsed.template!).map(({ kind, name, line, sections }) => [kind, name, line, sections]);
    expect(tags).toEqual([
      ['escaped', 'name', 1, []],
      ['section', 'net', 2, []],
      ['raw', 'addr', 3, ['net']],
      ['comment', '{{! note }}', 3, ['net']],
      ['inverted', 'off', 5, []],
      ['escaped', '&x', 5, ['off']],
      ['partial', 'p', 5, []],
      ['delimiter', '{{=<% %>=}}', 6, []],
      ['ignored', '<% {y %>', 6, []],
    ]);
  });
});
