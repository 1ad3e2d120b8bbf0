import type { SourceFile } from '../yaml/yaml-source.js';

/**
 * Read access to one revision of a desired-state repo: a working tree (io/dir-reader.ts) or a git commit
 * (io/git-reader.ts). Loading goes through this interface only, so the same code serves validate, render and diff.
 */
export interface RepoReader {
  /** What this revision is, for messages: a directory, or `REF (commit abc1234)`. */
  readonly label: string;
  /** Every file path in the revision, repo-relative with forward slashes. */
  list(): Promise<string[]>;
  /** The file, or undefined when it does not exist. */
  read(path: string): Promise<SourceFile | undefined>;
  /** Content id without reading the content (git readers only): equal ids mean equal files. */
  oidOf?(path: string): string | undefined;
}
