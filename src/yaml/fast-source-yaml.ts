/**
 * A fast path for the small YAML files users write (a host file is a handful of lines; a fleet has thousands):
 * block mappings and sequences, one-line flow `[a, b]` / `{ k: v }` collections of plain scalars, plain and simple
 * quoted scalars, full-line and trailing comments. Scalars are typed by YAML 1.2's core schema, exactly as the `yaml`
 * package does. Anything else (anchors, tags, block scalars, multi-line or escaped scalars, duplicate keys, documents
 * markers) returns undefined and the full parser runs; test/yaml/fast-source-yaml.test.ts checks both agree.
 */
export type Lines = Map<string, number>;
type Value = unknown;

const PLAIN = /^[^\s#'"&*!|>%@`{}[\],?:-][^#]*?$|^-[^\s#'"{}[\],][^#]*?$/;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/** YAML 1.2 core schema (what `yaml` resolves plain scalars to). */
function coreScalar(text: string): Value {
  if (/^(?:~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return Number.NaN;
  return text;
}

/** One scalar as written after `key: ` or `- ` (comment already removed); undefined when not in the subset. */
function scalar(text: string): { value: Value } | undefined {
  if (text.startsWith('"')) return /^"[^"\\]*"$/.test(text) ? { value: text.slice(1, -1) } : undefined;
  if (text.startsWith("'")) return /^'[^']*'$/.test(text) ? { value: text.slice(1, -1) } : undefined;
  if (!PLAIN.test(text) || /:\s|:$|\s#/.test(text)) return undefined;
  return { value: coreScalar(text) };
}

/** A value on the line: a scalar, `[a, b]` or `{ k: v }` of scalars. */
function inlineValue(text: string): { value: Value; keys?: string[] } | undefined {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return undefined;
    const inner = text.slice(1, -1).trim();
    const items = inner === '' ? [] : inner.split(',').map((p) => scalar(p.trim()));
    if (items.some((i) => i === undefined || i.value === null)) return undefined;
    return { value: items.map((i) => i!.value) };
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) return undefined;
    const inner = text.slice(1, -1).trim();
    const out: Record<string, Value> = {};
    const keys: string[] = [];
    for (const part of inner === '' ? [] : inner.split(',')) {
      const m = /^\s*([^:\s]+):\s+(.*?)\s*$/.exec(part);
      if (!m || !KEY.test(m[1]!) || m[1]! in out) return undefined;
      const v = scalar(m[2]!);
      if (!v || v.value === null) return undefined;
      out[m[1]!] = v.value;
      keys.push(m[1]!);
    }
    return { value: out, keys };
  }
  return scalar(text);
}

/** Strip a trailing ` # comment` outside quotes; undefined when quotes make it ambiguous. */
function stripComment(text: string): string | undefined {
  if (/["']/.test(text.replace(/^(["']).*\1$/, ''))) return text.includes('#') ? undefined : text.trimEnd();
  const at = text.search(/\s#/);
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

interface Open {
  indent: number;
  path: string[];
  value: Record<string, Value> | Value[];
}

const join = (path: readonly string[]) => path.join('\0');

export function parseSimpleSource(text: string): { data: Value; lines: Lines } | undefined {
  const lines: Lines = new Map();
  const stack: Open[] = [];
  let root: Record<string, Value> | Value[] | undefined;
  let pending: { parent: Record<string, Value>; key: string; path: string[]; indent: number } | undefined;
  const raw = text.split('\n');
  for (const [index, full] of raw.entries()) {
    const lineNo = index + 1;
    if (/^\s*(#.*)?$/.test(full)) continue;
    if (/[\t\r]/.test(full) || /^(---|\.\.\.)(\s|$)/.test(full)) return undefined;
    const indent = /^ */.exec(full)![0].length;
    const body = stripComment(full.slice(indent));
    if (body === undefined) return undefined;
    const dash = /^-(?: +|$)/.exec(body);
    const rest = dash ? body.slice(dash[0].length) : body;
    if (dash && rest === '') return undefined;

    if (pending) {
      const isSeq = dash !== null;
      const value = isSeq ? [] : {};
      if (isSeq ? indent < pending.indent : indent <= pending.indent) pending.parent[pending.key] = null;
      else {
        pending.parent[pending.key] = value;
        stack.push({ indent, path: pending.path, value });
      }
      pending = undefined;
    }
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const endsSeq = !dash && Array.isArray(top.value) && top.indent === indent;
      if (top.indent > indent || endsSeq) stack.pop();
      else break;
    }
    if (stack.length === 0) {
      if (root !== undefined) return undefined;
      root = dash ? [] : {};
      lines.set('', lineNo);
      stack.push({ indent, path: [], value: root });
    }
    const top = stack.at(-1)!;
    if (top.indent !== indent) return undefined;
    if (dash) {
      if (!Array.isArray(top.value)) return undefined;
      const path = [...top.path, String(top.value.length)];
      lines.set(join(path), lineNo);
      const entry = /^([^\s:'"]+):(?:\s+(.*))?$/.exec(rest);
      if (!entry) {
        const v = inlineValue(rest);
        if (!v) return undefined;
        top.value.push(v.value);
        indexInline(path, v, lineNo, lines);
        continue;
      }
      const map: Record<string, Value> = {};
      top.value.push(map);
      const keyIndent = indent + dash[0].length;
      stack.push({ indent: keyIndent, path, value: map });
      if (!addEntry(map, path, entry[1]!, entry[2], lineNo, keyIndent)) return undefined;
      continue;
    }
    if (Array.isArray(top.value)) return undefined;
    const entry = /^([^\s:'"]+):(?:\s+(.*))?$/.exec(rest);
    if (!entry || !addEntry(top.value, top.path, entry[1]!, entry[2], lineNo, indent)) return undefined;
  }
  if (pending) pending.parent[pending.key] = null;
  return root === undefined ? undefined : { data: root, lines };

  function addEntry(
    map: Record<string, Value>,
    parent: string[],
    key: string,
    valueText: string | undefined,
    lineNo: number,
    indent: number,
  ): boolean {
    // `map.__proto__ = v` would set the prototype, where the full parser keeps an own key: leave it to that parser.
    if (!KEY.test(key) || key === '__proto__' || Object.hasOwn(map, key)) return false;
    const path = [...parent, key];
    lines.set(join(path), lineNo);
    if (valueText === undefined || valueText === '') {
      pending = { parent: map, key, path, indent };
      map[key] = null;
      return true;
    }
    const v = inlineValue(valueText);
    if (!v) return false;
    map[key] = v.value;
    indexInline(path, v, lineNo, lines);
    return true;
  }
}

function indexInline(path: string[], v: { value: Value; keys?: string[] }, lineNo: number, lines: Lines): void {
  if (Array.isArray(v.value)) for (const i of v.value.keys()) lines.set(join([...path, String(i)]), lineNo);
  for (const k of v.keys ?? []) lines.set(join([...path, k]), lineNo);
}
