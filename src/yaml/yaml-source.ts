import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { error, type Issue } from '../issues.js';

/** A file as read from a desired-state repo (working tree or a git commit). */
export interface SourceFile {
  /** Repo-relative path with forward slashes. */
  path: string;
  text: string;
  /** Git blob id when read from a commit: equal ids mean equal content, which lets diff skip unchanged hosts. */
  oid?: string;
}

/** A parsed YAML file that can still answer "which line is this path on". */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Line (1-based) of the key at `path`, or of the closest existing parent. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export function parseYamlSource(
  file: SourceFile,
  version: '1.1' | '1.2' = '1.2',
): { source?: YamlSource; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, version, prettyErrors: false, uniqueKeys: true });
  const issues: Issue[] = doc.errors.map((e) =>
    error({
      code: 'yaml.syntax',
      file: file.path,
      line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
      message: `YAML syntax error: ${firstLine(e.message)}`,
      hint: 'fix the YAML syntax; an editor with the JSON Schemas in schemas/ shows it as you type',
    }),
  );
  if (issues.length > 0) return { issues };
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  return {
    issues,
    source: {
      file: file.path,
      data: doc.toJS({ maxAliasCount: 100 }),
      lineOf: (path) => locate(doc.contents, path, lineAt),
    },
  };
}

function locate(root: unknown, path: readonly PropertyKey[], lineAt: (offset: number) => number): number | undefined {
  let node = root as Node | null | undefined;
  let line = node?.range ? lineAt(node.range[0]) : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return line;
      const keyNode = pair.key as Node;
      if (keyNode.range) line = lineAt(keyNode.range[0]);
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return line;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;
