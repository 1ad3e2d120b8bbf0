/**
 * Where a rendered value lands in the YAML, and whether it changes the document there: the template lint's
 * heuristics for values that break or reshape a Dataplane (quote, comment, block scalar, unquoted plain scalar).
 */
export type YamlContext = 'plain' | 'double' | 'single' | 'block' | 'comment';

/** Where in the YAML a value landed, judged from the rendered text before it (a heuristic, not a YAML parser). */
export function yamlContext(out: string, start: number): { ctx: YamlContext; atStart: boolean } {
  const lineStart = out.lastIndexOf('\n', start - 1) + 1;
  const prefix = out.slice(lineStart, start);
  let ctx: YamlContext = 'plain';
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    const before = prefix.slice(0, i).trimEnd();
    if (ctx === 'double' && c === '\\') i++;
    else if (ctx === 'double' && c === '"') ctx = 'plain';
    else if (ctx === 'single' && c === "'") ctx = 'plain';
    else if (ctx === 'plain' && (c === '"' || c === "'") && /(^|[:\-?[{,])$/.test(before))
      ctx = c === '"' ? 'double' : 'single';
    else if (ctx === 'plain' && c === '#' && (i === 0 || /\s/.test(prefix[i - 1]!)))
      return { ctx: 'comment', atStart: false };
  }
  if (ctx === 'plain') {
    // Inside a `|` / `>` block scalar: some less-indented line above ends with the indicator.
    const indent = /^ */.exec(prefix)![0].length;
    for (const line of out.slice(0, lineStart).split('\n').reverse()) {
      if (line.trim() === '') continue;
      if (/^ */.exec(line)![0].length >= indent) continue;
      if (/(^|[:-]\s+)[|>][-+0-9]*\s*(#.*)?$/.test(line)) ctx = 'block';
      break;
    }
  }
  return { ctx, atStart: /:\s+$|(^|\s)[-?]\s+$|[[{,]\s*$|^\s*$/.test(prefix) };
}

/** Text in a value that changes the YAML around an unquoted placeholder, described for a message. */
export function yamlHazard(value: string, ctx: YamlContext, atStart: boolean): string | undefined {
  if (ctx === 'comment') return undefined;
  if (value.includes('\n')) return 'a newline';
  if (ctx === 'block') return undefined;
  if (ctx === 'double') return /["\\]/.test(value) ? '`"` or `\\`' : undefined;
  if (ctx === 'single') return value.includes("'") ? "`'`" : undefined;
  if (value.includes(': ') || value.endsWith(':')) return '`: `';
  if (value.includes(' #')) return '` #`';
  if (atStart && /^([,[\]{}#&*!|>'"%@`]|[-?:](\s|$))/.test(value)) return `a leading \`${value[0]}\``;
  return undefined;
}
