import type { YMap, YNode, YSeq } from './dataplane-yaml.js';

/**
 * A fast path for the common rendered Dataplane: block mappings and sequences of `key: value` lines with simple plain
 * scalars, no flow collections, quotes, anchors, tags, comments after values, multi-line scalars or documents markers.
 * Anything else returns undefined and the full YAML parser runs. Parsing thousands of hosts is dominated by the full
 * parser, and this subset is what nearly every template renders to. Scalars are resolved by the full parser (cached
 * per text), so YAML 1.1 typing is the same; test/validate/fast-yaml.test.ts checks the trees are identical.
 */
const KEY = '[A-Za-z0-9_][A-Za-z0-9_./-]*';
// No spaces, no leading indicator, no trailing ':' (that would be a mapping indicator).
const VALUE = '[A-Za-z0-9_./+](?:[A-Za-z0-9_./+=:-]*[A-Za-z0-9_./+=-])?';
const LINE = new RegExp(`^( *)(?:(- +)(?:(${KEY}):(?: (${VALUE}))?|(${VALUE}))|(${KEY}):(?: (${VALUE}))?)$`);

interface Open {
  indent: number;
  node: YMap | YSeq;
}

/** A `key:` with nothing after it: its block (map or seq) starts on a later, deeper (or `- ` at equal) line. */
interface Pending {
  map: YMap;
  key: string;
  line: number;
  indent: number;
}

/** A pending key whose block never came: its value is null. */
const setNull = (p: Pending): void => {
  p.map.entries.push({ key: p.key, line: p.line, value: { kind: 'scalar', line: p.line, value: null } });
};

export function parseSimpleYaml(
  text: string,
  resolve: (scalar: string) => string | number | boolean | null,
): YNode | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let root: YMap | YSeq | undefined;
  const stack: Open[] = [];
  let pending: Pending | undefined;

  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    if (/^ *(#.*)?$/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m) return undefined;
    const indent = m[1]!.length;
    const dash = m[2];
    const key = m[3] ?? m[6];
    const value = m[3] !== undefined ? m[4] : m[6] !== undefined ? m[7] : undefined;
    const itemScalar = m[5];

    if (pending) {
      // The pending key's value is a block: a map indented deeper, or a sequence at its indent or deeper.
      const isSeq = dash !== undefined;
      if (isSeq ? indent < pending.indent : indent <= pending.indent) setNull(pending);
      else {
        const node: YMap | YSeq = isSeq
          ? { kind: 'seq', line: lineNo, items: [] }
          : { kind: 'map', line: lineNo, entries: [] };
        pending.map.entries.push({ key: pending.key, line: pending.line, value: node });
        stack.push({ indent, node });
      }
      pending = undefined;
    }
    // Close blocks this line is outside of. A sequence's items sit at its own indent; a map's keys too. A key at a
    // sequence's indent ends the sequence (`key:` followed by `- item` lines at the same indent).
    while (
      stack.length > 0 &&
      (stack.at(-1)!.indent > indent ||
        (dash === undefined && stack.at(-1)!.node.kind === 'seq' && stack.at(-1)!.indent === indent))
    )
      stack.pop();
    let top = stack.at(-1);

    if (dash !== undefined) {
      if (!top) {
        if (root) return undefined;
        root = { kind: 'seq', line: lineNo, items: [] };
        stack.push({ indent, node: root });
        top = stack.at(-1);
      }
      if (top!.node.kind !== 'seq' || top!.indent !== indent) return undefined;
      const seq = top!.node;
      if (itemScalar !== undefined) {
        seq.items.push({ kind: 'scalar', line: lineNo, value: resolve(itemScalar) });
        continue;
      }
      // `- key: value` opens a map whose keys are indented to the key's column.
      const map: YMap = { kind: 'map', line: lineNo, entries: [] };
      seq.items.push(map);
      const keyIndent = indent + dash.length;
      stack.push({ indent: keyIndent, node: map });
      if (!addEntry(map, key!, value, lineNo, keyIndent)) return undefined;
      continue;
    }
    if (!top) {
      if (root) return undefined;
      root = { kind: 'map', line: lineNo, entries: [] };
      stack.push({ indent, node: root });
      top = stack.at(-1);
    }
    if (top!.node.kind !== 'map' || top!.indent !== indent) return undefined;
    if (!addEntry(top!.node, key!, value, lineNo, indent)) return undefined;
  }
  if (pending) setNull(pending);
  return root;

  function addEntry(map: YMap, rawKey: string, value: string | undefined, lineNo: number, indent: number): boolean {
    const key = String(resolve(rawKey));
    // Duplicate keys get a warning from the full parser's path: leave them to it.
    if (rawKey === '<<' || map.entries.some((e) => e.key === key)) return false;
    if (value === undefined) pending = { map, key, line: lineNo, indent };
    else map.entries.push({ key, line: lineNo, value: { kind: 'scalar', line: lineNo, value: resolve(value) } });
    return true;
  }
}
