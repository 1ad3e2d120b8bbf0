import { goKeyOrder } from './go-json-merge.js';
import type { TproxyConfigSource } from './load-config.js';
import { type GoNode, parseGoYaml } from './yaml-go-tree.js';

/** Finds where in the config sources a field got its effective value, so lint issues can point at a line. */

export interface SourceTree {
  file: string;
  root: GoNode | undefined;
}

export interface Location {
  file: string;
  line?: number;
  node?: GoNode;
}

export const parseSourceTrees = (sources: readonly TproxyConfigSource[]): SourceTree[] =>
  sources.map((s) => ({ file: s.file, root: parseGoYaml(s.text).root }));

/** The node a dotted field path resolves to in one tree, matching keys as encoding/json does (last match wins). */
export function findNode(root: GoNode | undefined, path: readonly string[]): GoNode | undefined {
  let node = root;
  for (const segment of path) {
    if (node?.kind !== 'map') return undefined;
    const folded = segment.toLowerCase();
    const matches = goKeyOrder(node.entries).ordered.filter((e) => e.key.toLowerCase() === folded);
    node = matches.at(-1)?.value;
  }
  return node;
}

/** The last source that sets `path`; otherwise the last source with no line (the value came from elsewhere). */
export function locate(trees: readonly SourceTree[], path: string): Location {
  const segments = path.split('.');
  for (let i = trees.length - 1; i >= 0; i--) {
    const t = trees[i]!;
    const node = findNode(t.root, segments);
    if (node) return { file: t.file, line: node.line, node };
  }
  return { file: trees.at(-1)?.file ?? '(tproxy config)' };
}

/** Location of item `index` of a list field, falling back to the list itself. */
export function locateItem(trees: readonly SourceTree[], path: string, index: number): Location {
  const at = locate(trees, path);
  const item = at.node?.kind === 'list' ? at.node.items[index] : undefined;
  return item ? { file: at.file, line: item.line, node: item } : at;
}
