import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { AliasBudget, EXCESSIVE_ALIASING } from '../yaml/alias-budget.js';
import { type GoScalar, resolvePlainScalar, scalarAsGoString } from './yaml11-scalars.js';

/**
 * A YAML document turned into the value tree sigs.k8s.io/yaml hands to encoding/json, with the 1-based line of
 * every value and key kept for issues. Map keys are already strings, as sigs.k8s.io/yaml makes them.
 */
export type GoNode = (GoScalar & { line: number }) | { kind: 'list'; items: GoNode[]; line: number } | GoMap;
export interface GoMap {
  kind: 'map';
  entries: GoEntry[];
  line: number;
}
export interface GoEntry {
  key: string;
  line: number;
  value: GoNode;
}

export interface YamlProblem {
  line: number;
  message: string;
  /** Syntax problems stop kumactl; `ignored` ones are dropped silently by it. */
  kind: 'syntax' | 'ignored';
}

export interface GoTree {
  /** `undefined` when the text failed to parse. An empty document is a `null` node. */
  root: GoNode | undefined;
  problems: YamlProblem[];
}

const MAX_ALIAS_DEPTH = 64;

export function parseGoYaml(text: string): GoTree {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, lineCounter });
  const lineOf = (offset: number | undefined): number => lineCounter.linePos(offset ?? 0).line;
  const [doc, ...rest] = docs;
  if (!doc) return { root: { kind: 'null', line: 1 }, problems: [] };
  const problems: YamlProblem[] = doc.errors.map((e) => ({
    line: e.linePos?.[0].line ?? 1,
    message: e.message.split('\n')[0] ?? e.message,
    kind: 'syntax' as const,
  }));
  if (problems.length > 0) return { root: undefined, problems };
  // goyaml.v2's Unmarshal reads only the first document of a stream.
  for (const d of rest) {
    problems.push({
      line: lineOf(d.range[0]),
      message: 'only the first YAML document is read; this one is ignored',
      kind: 'ignored',
    });
  }
  const convert = new Converter(doc, lineOf, problems);
  const root = doc.contents ? convert.node(doc.contents as Node, 0) : { kind: 'null' as const, line: 1 };
  if (convert.budget.exceeded)
    return { root: undefined, problems: [{ line: 1, message: EXCESSIVE_ALIASING, kind: 'syntax' }] };
  return { root: problems.some((p) => p.kind === 'syntax') ? undefined : root, problems };
}

class Converter {
  readonly budget = new AliasBudget();
  constructor(
    private readonly doc: Document,
    private readonly lineOf: (offset: number | undefined) => number,
    private readonly problems: YamlProblem[],
  ) {}

  node(n: Node, depth: number, at?: number): GoNode {
    const line = at ?? this.lineOf(n.range?.[0]);
    if (!this.budget.decode()) return { kind: 'null', line };
    if (depth > MAX_ALIAS_DEPTH) {
      this.problems.push({ line, message: 'YAML nesting or aliases are too deep', kind: 'syntax' });
      return { kind: 'null', line };
    }
    if (isAlias(n)) {
      const target = n.resolve(this.doc);
      return target
        ? this.budget.throughAlias(() => this.node(target as Node, depth + 1, line))
        : { kind: 'null', line };
    }
    if (isScalar(n)) return { ...this.scalar(n), line };
    if (isSeq(n)) return { kind: 'list', items: n.items.map((i) => this.node(i as Node, depth + 1)), line };
    if (isMap(n)) return this.map(n, depth, line);
    return { kind: 'null', line };
  }

  private scalar(n: import('yaml').Scalar): GoScalar {
    const v = n.value;
    if (n.tag === undefined && n.type === 'PLAIN' && typeof n.source === 'string') return resolvePlainScalar(n.source);
    if (n.tag === undefined || n.tag.endsWith(':str')) return { kind: 'string', value: String(n.source ?? v) };
    // Explicit tags: take the yaml package's value; timestamps stay text as in goyaml.v2.
    if (v === null || v === undefined) return { kind: 'null' };
    if (typeof v === 'boolean') return { kind: 'bool', value: v };
    if (typeof v === 'number')
      return { kind: Number.isInteger(v) && !n.tag.endsWith(':float') ? 'int' : 'float', value: v };
    if (typeof v === 'bigint') return { kind: 'int', value: Number(v) };
    return { kind: 'string', value: String(n.source ?? v) };
  }

  private map(n: import('yaml').YAMLMap, depth: number, line: number): GoMap {
    const explicit: GoEntry[] = [];
    const merged: GoEntry[] = [];
    for (const pair of n.items) {
      const keyNode = pair.key as Node | null;
      const keyLine = this.lineOf(keyNode?.range?.[0] ?? n.range?.[0]);
      const value: GoNode = pair.value ? this.node(pair.value as Node, depth + 1) : { kind: 'null', line: keyLine };
      if (
        isScalar(keyNode) &&
        (typeof keyNode.value === 'symbol' || (keyNode.type === 'PLAIN' && keyNode.source === '<<'))
      ) {
        // `<<` merge keys: merged entries never override explicit ones.
        const sources = value.kind === 'list' ? value.items : [value];
        for (const s of sources) if (s.kind === 'map') merged.push(...s.entries);
        continue;
      }
      const key = this.keyText(keyNode, keyLine);
      if (key !== undefined) explicit.push({ key, line: keyLine, value });
    }
    const names = new Set(explicit.map((e) => e.key));
    return { kind: 'map', entries: [...merged.filter((e) => !names.has(e.key)), ...explicit], line };
  }

  /** sigs.k8s.io/yaml turns every map key into a string; null and complex keys make it fail. */
  private keyText(keyNode: Node | null, line: number): string | undefined {
    const target = isAlias(keyNode) ? keyNode.resolve(this.doc) : keyNode;
    const k: GoScalar = isScalar(target) ? this.scalar(target) : { kind: 'null' };
    const text = scalarAsGoString(k);
    if (text === undefined) {
      this.problems.push({
        line,
        message: 'unsupported map key: keys must be strings, numbers or booleans',
        kind: 'syntax',
      });
      return undefined;
    }
    // As a string field, but a float key spells its specials the YAML way.
    return k.kind === 'float' ? text.replace('+Inf', '.inf').replace('-Inf', '-.inf').replace('NaN', '.nan') : text;
  }
}
