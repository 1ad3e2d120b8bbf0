import type { SourceFile } from '../yaml/yaml-source.js';
import type { RepoReader } from './repo-reader.js';

/** A revision already read into memory (what a render worker receives). */
export function memoryRepoReader(label: string, files: ReadonlyMap<string, SourceFile>): RepoReader {
  return {
    label,
    list: async () => [...files.keys()],
    read: async (path) => files.get(path) ?? behindProblem(files, path),
  };
}

/** A path below a listed entry that could not be read (a linked folder): that entry's problem, as the reader said. */
function behindProblem(files: ReadonlyMap<string, SourceFile>, path: string): SourceFile | undefined {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const entry = files.get(parts.slice(0, i).join('/'));
    if (entry?.problem) return entry;
  }
  return undefined;
}
