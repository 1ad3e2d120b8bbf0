/**
 * The one fast path for the small, plain YAML that desired-state files and rendered Dataplanes nearly always are:
 * block mappings and sequences, one-line flow `[a, b]` / `{ k: v }` collections of scalars, plain and simple quoted
 * scalars, full-line and trailing comments. It only scans: scalars come back as their text, and each caller types them
 * by its own schema (YAML 1.2 core for what users write, go-yaml v2's YAML 1.1 for what kuma-dp parses). Anything else
 * (anchors, tags, block scalars, multi-line or escaped scalars, duplicate keys, documents markers, tabs) returns
 * undefined and the caller runs the full parser; the tests of both callers check the two paths agree.
 */
export type FastNode = FastMap | FastSeq | FastScalar;
export interface FastEntry {
  key: string;
  line: number;
  value: FastNode;
}
export interface FastMap {
  kind: 'map';
  line: number;
  entries: FastEntry[];
}
export interface FastSeq {
  kind: 'seq';
  line: number;
  items: FastNode[];
}
/** `text` as written, quotes removed; a key with nothing after it and no block below is a plain ''. */
export interface FastScalar {
  kind: 'scalar';
  line: number;
  text: string;
  quoted: boolean;
}

const PLAIN = /^[^\s#'"&*!|>%@`{}[\],?:-][^#]*?$|^-[^\s#'"{}[\],][^#]*?$/;
export const FAST_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const NULL_WORD = /^(?:~|null|Null|NULL)?$/;

/** One scalar as written after `key: ` or `- ` (comment already removed); undefined when not in the subset. */
function scalar(text: string, line: number): FastScalar | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const ok = text.startsWith('"') ? /^"[^"\\]*"$/.test(text) : /^'[^']*'$/.test(text);
    return ok ? { kind: 'scalar', line, text: text.slice(1, -1), quoted: true } : undefined;
  }
  if (!PLAIN.test(text) || /:\s|:$|\s#/.test(text)) return undefined;
  return { kind: 'scalar', line, text, quoted: false };
}

/** A flow item may not be null in either schema's sense: those are left to the full parser. */
const flowItem = (text: string, line: number): FastScalar | undefined => {
  const s = scalar(text, line);
  return s === undefined || (!s.quoted && NULL_WORD.test(s.text)) ? undefined : s;
};

/** A value on the line: a scalar, `[a, b]` or `{ k: v }` of scalars. */
function inlineValue(text: string, line: number): FastNode | undefined {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return undefined;
    const inner = text.slice(1, -1).trim();
    const items = inner === '' ? [] : inner.split(',').map((p) => flowItem(p.trim(), line));
    return items.includes(undefined) ? undefined : { kind: 'seq', line, items: items as FastScalar[] };
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) return undefined;
    const inner = text.slice(1, -1).trim();
    const entries: FastEntry[] = [];
    for (const part of inner === '' ? [] : inner.split(',')) {
      const m = /^\s*([^:\s]+):\s+(.*?)\s*$/.exec(part);
      if (!m || !FAST_KEY.test(m[1]!) || entries.some((e) => e.key === m[1])) return undefined;
      const value = flowItem(m[2]!, line);
      if (!value) return undefined;
      entries.push({ key: m[1]!, line, value });
    }
    return { kind: 'map', line, entries };
  }
  return scalar(text, line);
}

/** Strip a trailing ` # comment` outside quotes; undefined when quotes make it ambiguous. */
function stripComment(text: string): string | undefined {
  if (/["']/.test(text.replace(/^(["']).*\1$/, ''))) return text.includes('#') ? undefined : text.trimEnd();
  const at = text.search(/\s#/);
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

interface Open {
  indent: number;
  node: FastMap | FastSeq;
}
interface Pending {
  map: FastMap;
  entry: FastEntry;
  indent: number;
}
// A key starts like FAST_KEY, so a flow collection (`- {k: v}`) is never mistaken for one.
const ENTRY = /^([A-Za-z0-9_][^\s:'"]*):(?:\s+(.*))?$/;

export function scanBlockYaml(text: string): FastNode | undefined {
  const stack: Open[] = [];
  let root: FastMap | FastSeq | undefined;
  let pending: Pending | undefined;
  for (const [index, full] of text.split('\n').entries()) {
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
      // The pending key's value is a block: a map indented deeper, or a sequence at its indent or deeper.
      if (dash ? indent >= pending.indent : indent > pending.indent) {
        const node: FastMap | FastSeq = dash
          ? { kind: 'seq', line: lineNo, items: [] }
          : { kind: 'map', line: lineNo, entries: [] };
        pending.entry.value = node;
        stack.push({ indent, node });
      }
      pending = undefined;
    }
    // Close the blocks this line is outside of; a key at a sequence's own indent ends that sequence.
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      if (top.indent > indent || (!dash && top.node.kind === 'seq' && top.indent === indent)) stack.pop();
      else break;
    }
    if (stack.length === 0) {
      if (root !== undefined) return undefined;
      root = dash ? { kind: 'seq', line: lineNo, items: [] } : { kind: 'map', line: lineNo, entries: [] };
      stack.push({ indent, node: root });
    }
    const top = stack.at(-1)!;
    if (top.indent !== indent) return undefined;
    if (dash) {
      if (top.node.kind !== 'seq') return undefined;
      const entry = ENTRY.exec(rest);
      if (!entry) {
        const value = inlineValue(rest, lineNo);
        if (!value) return undefined;
        top.node.items.push(value);
        continue;
      }
      // `- key: value` opens a map whose keys are indented to the key's column.
      const map: FastMap = { kind: 'map', line: lineNo, entries: [] };
      top.node.items.push(map);
      const keyIndent = indent + dash[0].length;
      stack.push({ indent: keyIndent, node: map });
      if (!addEntry(map, entry[1]!, entry[2], lineNo, keyIndent)) return undefined;
      continue;
    }
    const entry = ENTRY.exec(rest);
    if (top.node.kind !== 'map' || !entry || !addEntry(top.node, entry[1]!, entry[2], lineNo, indent)) return undefined;
  }
  return root;

  function addEntry(map: FastMap, key: string, valueText: string | undefined, line: number, indent: number): boolean {
    if (!FAST_KEY.test(key) || map.entries.some((e) => e.key === key)) return false;
    const entry: FastEntry = { key, line, value: { kind: 'scalar', line, text: '', quoted: false } };
    map.entries.push(entry);
    if (valueText === undefined || valueText === '') {
      pending = { map, entry, indent };
      return true;
    }
    const value = inlineValue(valueText, line);
    if (!value) return false;
    entry.value = value;
    return true;
  }
}
