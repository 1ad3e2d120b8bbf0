import type { SourceFile } from '../yaml/yaml-source.js';
import type { RepoReader } from './repo-reader.js';

/** A revision already read into memory (what a render worker receives). */
export function memoryRepoReader(label: string, files: ReadonlyMap<string, SourceFile>): RepoReader {
  return {
    label,
    list: async () => [...files.keys()],
    read: async (path) => files.get(path),
  };
}
