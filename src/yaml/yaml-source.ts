import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { error, type Issue } from '../issues.js';
import { parseSimpleSource } from './fast-source-yaml.js';

/** A file as read from a desired-state repo (working tree or a git commit). */
export interface SourceFile {
  /** Repo-relative path with forward slashes. */
  path: string;
  text: string;
  /** Git blob id when read from a commit: equal ids mean equal content, which lets diff skip unchanged hosts. */
  oid?: string;
  /** Why the file could not be read (a symlink, not a regular file, too large; io/repo-file-limits.ts): `text` is empty. */
  problem?: { code: string; message: string };
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
  options: { fastPath?: boolean } = {},
): { source?: YamlSource; issues: Issue[] } {
  // Most desired-state files are a few simple lines: parse those without the full YAML machinery (YAML 1.2 only).
  const fast = version === '1.2' && options.fastPath !== false ? parseSimpleSource(file.text) : undefined;
  if (fast) return { issues: [], source: { file: file.path, data: fast.data, lineOf: lineLookup(fast.lines) } };
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, version, prettyErrors: false, uniqueKeys: true });
  const issues: Issue[] = doc.errors.map((e) =>
    error({
      code: 'yaml.syntax',
      file: file.path,
      line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
      message:
        e.code === 'MULTIPLE_DOCS'
          ? "this file holds more than one YAML document (a '---' separator): a desired-state file is one document"
          : `YAML syntax error: ${firstLine(e.message)}`,
      hint:
        e.code === 'MULTIPLE_DOCS'
          ? "remove the second '---' and what follows, or move it into a file of its own"
          : 'fix the YAML syntax; an editor with the JSON Schemas in schemas/ shows it as you type',
    }),
  );
  if (issues.length > 0) return { issues };
  // Keep only a path -> line index, not the Document: a fleet has thousands of host files in memory at once.
  const lines = new Map<string, number>();
  let data: unknown;
  try {
    indexLines(doc.contents as Node | null, '', (offset) => lineCounter.linePos(offset).line, lines);
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // The yaml package refuses an alias bomb (ReferenceError "Excessive alias count"), a deep nesting overflows.
    const bomb = e instanceof ReferenceError;
    return {
      issues: [
        error({
          code: 'yaml.too-complex',
          file: file.path,
          message: bomb
            ? 'YAML aliases would expand this file beyond 100 copies (an alias bomb)'
            : 'YAML nesting is too deep to read',
          hint: 'write the settings out instead of expanding aliases or nesting this deep',
        }),
      ],
    };
  }
  return { issues, source: { file: file.path, data, lineOf: lineLookup(lines) } };
}

/** Whether parsed data has a value at `path` (a key set to null counts: it was written). */
export function hasPath(data: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || !(String(key) in cur)) return false;
    cur = (cur as Record<string, unknown>)[String(key)];
  }
  return cur !== undefined;
}

/** Line of the key at `path`, or of the closest existing parent. */
const lineLookup =
  (lines: ReadonlyMap<string, number>) =>
  (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const line = lines.get(pathKey(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  };

const pathKey = (path: readonly PropertyKey[]) => path.map(String).join('\0');

/** Record the line of every map key and sequence item, keyed by its path. */
function indexLines(
  node: Node | null,
  key: string,
  lineAt: (offset: number) => number,
  out: Map<string, number>,
): void {
  if (!node) return;
  if (!out.has(key) && node.range) out.set(key, lineAt(node.range[0]));
  const prefix = key === '' ? '' : `${key}\0`;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const childKey = prefix + String(pair.key.value);
      const keyNode = pair.key as Node;
      if (keyNode.range) out.set(childKey, lineAt(keyNode.range[0]));
      indexLines(pair.value as Node | null, childKey, lineAt, out);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) indexLines(item as Node | null, prefix + String(i), lineAt, out);
  }
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;
