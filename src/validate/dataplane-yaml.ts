import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type Tags,
} from 'yaml';
import { AliasBudget, EXCESSIVE_ALIASING } from '../yaml/alias-budget.js';
import { type DpContext, reportError, reportWarning } from './dataplane-context.js';
import { parseSimpleYaml } from './fast-yaml.js';

/**
 * The rendered document as kuma-dp sees it after sigs.k8s.io/yaml turned it into JSON: YAML 1.1 scalars
 * (`yes`/`on`/`y` are booleans, `0x1F` and `010` are numbers), string keys, last duplicate key wins,
 * `<<` merges applied. Every node keeps its 1-based line. kumahq/kuma app/kuma-dp/cmd/dataplane.go and
 * pkg/util/template/render.go@v2.14.3 says only "parse it as YAML": the
 * go-yaml v2 details here (typing, duplicate keys, merges) are inferred from that library, not from Kuma's source.
 */
export type YNode = YMap | YSeq | YScalar;
export interface YEntry {
  key: string;
  line: number;
  value: YNode;
}
export interface YMap {
  kind: 'map';
  line: number;
  entries: YEntry[];
}
export interface YSeq {
  kind: 'seq';
  line: number;
  items: YNode[];
}
export interface YScalar {
  kind: 'scalar';
  line: number;
  value: string | number | boolean | null;
}

// go-yaml v2 keeps sexagesimal (`1:30`) and timestamp-looking values as strings; the `yaml` 1.1 schema does not.
const goYamlV2Tags = (tags: Tags): Tags =>
  tags.filter((t) => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'));

type AnyNode = Parameters<typeof isScalar>[0];

/** One plain scalar as the full parser types it (YAML 1.1, go-yaml v2 tags), cached: values repeat across hosts. */
const scalarCache = new Map<string, string | number | boolean | null>();
export function resolvePlainScalar(text: string): string | number | boolean | null {
  let value = scalarCache.get(text);
  if (value === undefined && !scalarCache.has(text)) {
    const contents = parseDocument(text, { version: '1.1', customTags: goYamlV2Tags }).contents;
    value = isScalar(contents) ? scalarValue(contents.value) : text;
    if (scalarCache.size > 50_000) scalarCache.clear();
    scalarCache.set(text, value);
  }
  return value as string | number | boolean | null;
}

/** Parses the first YAML document; reports syntax errors the way kuma-dp would fail on them. */
export function parseRenderedYaml(ctx: DpContext, text: string): { root: YNode } | undefined {
  const fast = parseSimpleYaml(text, resolvePlainScalar);
  return fast ? { root: fast } : parseRenderedYamlFully(ctx, text);
}

/** The full YAML parser: every construct, duplicate keys, merges, multiple documents, errors. */
export function parseRenderedYamlFully(ctx: DpContext, text: string): { root: YNode } | undefined {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    lineCounter: lc,
    uniqueKeys: false,
    merge: true,
    customTags: goYamlV2Tags,
  });
  const first = docs[0];
  if (!first) return { root: { kind: 'scalar', line: 1, value: null } };
  if (first.errors.length > 0) {
    for (const e of first.errors) {
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      reportError(ctx, {
        code: 'dataplane.yaml.syntax',
        message: `yaml: ${message}`,
        hint: 'kuma-dp cannot parse the rendered Dataplane; quote template values that contain ": ", "#", "{" or start with "*", "&", "!"',
        ...(e.linePos ? { line: e.linePos[0].line } : {}),
      });
    }
    return undefined;
  }
  if (docs.length > 1) {
    const second = lc.linePos(docs[1]!.range[0]).line;
    reportWarning(ctx, {
      code: 'dataplane.yaml.multiple-documents',
      line: second,
      message: 'kuma-dp reads only the first YAML document; everything after the first "---" separator is ignored',
    });
  }
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
  const doc = first as Document.Parsed;

  const budget = new AliasBudget();
  const convert = (node: AnyNode | null | undefined, fallbackLine: number, depth: number): YNode => {
    if (depth > 100 || !budget.decode()) return { kind: 'scalar', line: fallbackLine, value: null };
    if (node === null || node === undefined) return { kind: 'scalar', line: fallbackLine, value: null };
    if (isAlias(node)) return budget.throughAlias(() => convert(node.resolve(doc), lineAt(node.range?.[0]), depth + 1));
    const line = lineAt(node.range?.[0] ?? undefined);
    if (isScalar(node)) return { kind: 'scalar', line, value: scalarValue(node.value) };
    if (isSeq(node)) return { kind: 'seq', line, items: node.items.map((i) => convert(i as AnyNode, line, depth + 1)) };
    if (!isMap(node)) return { kind: 'scalar', line, value: null };
    const entries: YEntry[] = [];
    // go-yaml v2 applies a `<<` merge in place: later keys win, and earlier merge sources beat later ones.
    const merged = new Set<string>();
    const set = (entry: YEntry, fromMerge: boolean) => {
      const at = entries.findIndex((e) => e.key === entry.key);
      if (at >= 0 && !fromMerge && !merged.has(entry.key)) {
        reportWarning(ctx, {
          code: 'dataplane.yaml.duplicate-key',
          line: entry.line,
          message: `duplicate key "${entry.key}": kuma-dp keeps only this last value (the one on line ${entries[at]!.line} is ignored)`,
        });
      }
      if (at >= 0) entries.splice(at, 1);
      if (fromMerge) merged.add(entry.key);
      else merged.delete(entry.key);
      entries.push(entry);
    };
    for (const pair of node.items) {
      const keyNode = pair.key as AnyNode | null;
      const keyLine = lineAt((keyNode as { range?: [number] } | null)?.range?.[0] ?? node.range?.[0]);
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        const from = convert(pair.value as AnyNode, keyLine, depth + 1);
        const sources = from.kind === 'seq' ? [...from.items].reverse() : [from];
        for (const src of sources) if (src.kind === 'map') for (const e of src.entries) set(e, true);
        continue;
      }
      if (!isScalar(keyNode) && keyNode !== null) {
        reportError(ctx, {
          code: 'dataplane.yaml.key',
          line: keyLine,
          message: 'yaml: unsupported map key: a mapping or a list cannot be a key',
        });
        continue;
      }
      const key = keyNode === null ? 'null' : String(scalarValue(keyNode.value));
      set({ key, line: keyLine, value: convert(pair.value as AnyNode, keyLine, depth + 1) }, false);
    }
    return { kind: 'map', line, entries };
  };
  const root = convert(doc.contents as AnyNode, 1, 0);
  if (budget.exceeded) {
    reportError(ctx, {
      code: 'dataplane.yaml.syntax',
      message: `yaml: ${EXCESSIVE_ALIASING}`,
      hint: 'kuma-dp refuses the rendered Dataplane: remove the aliases that expand it',
    });
    return undefined;
  }
  return { root };
}

function scalarValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

/** How encoding/json names a JSON value's kind in `cannot unmarshal X into ...` errors. */
export function jsonKind(n: YNode): string {
  if (n.kind === 'map') return 'object';
  if (n.kind === 'seq') return 'array';
  if (n.value === null) return 'null';
  return typeof n.value === 'boolean' ? 'bool' : typeof n.value;
}

/** The value as it appears in the JSON kuma-dp unmarshals, for messages. */
export function jsonText(n: YNode): string {
  if (n.kind === 'map') return '{';
  if (n.kind === 'seq') return '[';
  return JSON.stringify(n.value);
}
