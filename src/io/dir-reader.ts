import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoReader } from '../desired/repo-reader.js';
import { KumaGitopsError } from '../errors.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** A desired-state repo as it is on disk (the working tree), for validate and render. */
export function dirRepoReader(root: string): RepoReader {
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new KumaGitopsError('repo.not-found', `Desired-state repo '${root}' is not a directory`, { root }, {});
  }
  return {
    label: root,
    list: async () => walk(root, root),
    read: async (path) => {
      try {
        return { path, text: readFileSync(join(root, path), 'utf8') };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR')
          return undefined;
        throw new KumaGitopsError('repo.read-failed', `Cannot read ${path} in ${root}: ${(e as Error).message}`, {
          path,
        });
      }
    },
  };
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(root, join(dir, entry.name)));
    } else if (entry.isFile()) {
      out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
    }
  }
  return out;
}
