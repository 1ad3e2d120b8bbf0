import { type FastNode, scanBlockYaml } from '../yaml/fast-block-yaml.js';
import type { YEntry, YNode } from './dataplane-yaml.js';

/**
 * The fast path for the common rendered Dataplane: the shared block scanner, with plain scalars and keys typed by the
 * full parser's go-yaml v2 (YAML 1.1) rules through `resolve` (cached per text), so typing is the same. Duplicate
 * keys after typing and `<<` merges are left to the full parser, which warns about the first and applies the second.
 * Parsing thousands of hosts is dominated by the full parser; test/validate/fast-yaml.test.ts checks the trees match.
 */
export function parseSimpleYaml(
  text: string,
  resolve: (scalar: string) => string | number | boolean | null,
): YNode | undefined {
  const root = scanBlockYaml(text);
  const convert = (node: FastNode): YNode | undefined => {
    if (node.kind === 'scalar') {
      const value = node.quoted ? node.text : node.text === '' ? null : resolve(node.text);
      return { kind: 'scalar', line: node.line, value };
    }
    if (node.kind === 'seq') {
      const items = node.items.map(convert);
      return items.includes(undefined) ? undefined : { kind: 'seq', line: node.line, items: items as YNode[] };
    }
    const entries: YEntry[] = [];
    for (const e of node.entries) {
      const key = String(resolve(e.key));
      const value = convert(e.value);
      if (e.key === '<<' || value === undefined || entries.some((x) => x.key === key)) return undefined;
      entries.push({ key, line: e.line, value });
    }
    return { kind: 'map', line: node.line, entries };
  };
  return root === undefined ? undefined : convert(root);
}
