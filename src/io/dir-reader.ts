import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  statSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoReader } from '../desired/repo-reader.js';
import { KumaGitopsError } from '../errors.js';
import type { SourceFile } from '../yaml/yaml-source.js';
import { MAX_FILE_BYTES, notAFile, repoBudget, symlinkFile, tooLarge } from './repo-file-limits.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);

/**
 * A desired-state repo as it is on disk (the working tree), for validate, render, plan and apply. Read as a git
 * commit would be (repo-file-limits.ts): symbolic links and other non-regular entries are listed but never
 * followed or opened, files are opened O_NOFOLLOW|O_NONBLOCK and sized before they are read.
 */
export function dirRepoReader(root: string): RepoReader {
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new KumaGitopsError('repo.not-found', `Desired-state repo '${root}' is not a directory`, { root }, {});
  }
  const spend = repoBudget(root);
  return {
    label: root,
    list: async () => walk(root, root),
    read: async (path) => readRepoFile(root, path, spend),
  };
}

function readRepoFile(root: string, path: string, spend: (bytes: number) => void): SourceFile | undefined {
  // Every folder on the way must be a real one: a linked folder would lead outside the repository too.
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const at = join(root, ...parts.slice(0, i));
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(at);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw readFailed(root, path, e);
    }
    if (info.isSymbolicLink()) return symlinkFile(parts.slice(0, i).join('/'), readlinkSync(at));
    if (i < parts.length && !info.isDirectory()) return undefined;
    if (i === parts.length && info.isDirectory()) return undefined;
  }
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in the tree opens at once instead of hanging; it is refused below.
    fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return symlinkFile(path, readlinkSync(join(root, path)));
    throw readFailed(root, path, e);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return notAFile(path, info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device');
    if (info.size > MAX_FILE_BYTES) return tooLarge(path, info.size);
    spend(info.size);
    // One more byte than the limit: a file that grew after fstat is still caught.
    const buffer = Buffer.alloc(Math.min(info.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_FILE_BYTES) return tooLarge(path, length);
    return { path, text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

const readFailed = (root: string, path: string, e: unknown) =>
  new KumaGitopsError('repo.read-failed', `Cannot read ${path} in ${root}: ${(e as Error).message}`, { path });

/** Every entry but folders, as repo-relative paths: links and other non-regular entries are listed too. */
function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(root, join(dir, entry.name)));
    } else {
      out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
    }
  }
  return out;
}
