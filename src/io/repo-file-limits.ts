import { KumaGitopsError } from '../errors.js';
import type { SourceFile } from '../yaml/yaml-source.js';

/**
 * What kuma-gitops reads from a repository, whichever way (working tree or git commit): regular files only, of a
 * bounded size, and a bounded total. A symbolic link is a problem of its own, never followed: the reviewer of a pull
 * request sees the link, so `apply` must not read what it points to (a token, /etc/passwd, /dev/zero, a FIFO).
 * A problem travels with the file (SourceFile.problem) and becomes an issue where the file is used.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Desired state for 10,000 hosts is about 10 MB; far beyond that is not desired state. */
export const MAX_REPO_BYTES = 256 * 1024 * 1024;

export type FileProblemCode = 'repo.symlink' | 'repo.not-a-file' | 'repo.file-too-large';

export function symlinkFile(path: string, target: string): SourceFile {
  return problemFile(
    path,
    'repo.symlink',
    `${path} is a symbolic link (to ${JSON.stringify(target)}): kuma-gitops reads only regular files from the repository; put the file itself there`,
  );
}

export function notAFile(path: string, what: string): SourceFile {
  return problemFile(path, 'repo.not-a-file', `${path} is ${what}, not a regular file: put a file there`);
}

export function tooLarge(path: string, bytes: number): SourceFile {
  return problemFile(
    path,
    'repo.file-too-large',
    `${path} has ${bytes} bytes; a desired-state file may have at most ${MAX_FILE_BYTES} (4 MiB): split it, or move what is not desired state out of the repository`,
  );
}

const problemFile = (path: string, code: FileProblemCode, message: string): SourceFile => ({
  path,
  text: '',
  problem: { code, message },
});

/** Counts what one reader read, and says when the repository is too large to be desired state. */
export function repoBudget(label: string): (bytes: number) => void {
  let total = 0;
  return (bytes) => {
    total += bytes;
    if (total > MAX_REPO_BYTES) {
      throw new RepoTooLargeError(label, total);
    }
  };
}

export class RepoTooLargeError extends KumaGitopsError {
  constructor(label: string, bytes: number) {
    super(
      'repo.too-large',
      `${label}: more than ${MAX_REPO_BYTES / 1024 / 1024} MiB read (${bytes} bytes) without reaching the end: ` +
        'this is not a desired-state repository, or --repo names a folder too high up',
      { label, bytes },
    );
    this.name = 'RepoTooLargeError';
  }
}
