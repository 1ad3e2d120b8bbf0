import * as fs from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import git from 'isomorphic-git';
import type { RepoReader } from '../desired/repo-reader.js';
import { KumaGitopsError } from '../errors.js';
import { MAX_FILE_BYTES, repoBudget, symlinkFile, tooLarge } from './repo-file-limits.js';

/**
 * isomorphic-git's object cache: without one, every read of a packed object parses the packfile index again, and
 * 10,000 concurrent reads exhaust the heap. One per process is enough: packs are immutable.
 */
const gitCache = {};

/** Blob texts by object id, shared by the readers of one diff: unchanged files are read and decoded once. */
export type BlobCache = Map<string, string>;

/**
 * One commit of a local git repository, read with isomorphic-git straight from the object store: no checkout, no
 * network, the working tree is never touched. `repoDir` may be a subdirectory of the git work tree (a desired-state
 * folder inside a bigger repo): paths are then relative to it.
 */
export async function gitRepoReader(repoDir: string, ref: string, cache: BlobCache = new Map()): Promise<RepoReader> {
  let dir: string;
  try {
    dir = await git.findRoot({ fs, filepath: resolve(repoDir) });
  } catch {
    throw new KumaGitopsError('git.not-a-repo', `'${repoDir}' is not inside a git repository`, { repoDir });
  }
  const sub = relative(dir, resolve(repoDir)).split(sep).join('/');
  return commitReader({ dir }, dir, sub, ref, cache);
}

/** Where isomorphic-git finds the objects: a work tree's root, or a bare git directory (the agent's source). */
export type GitPlace = { dir: string } | { gitdir: string };

/**
 * One commit of a bare git directory (the agent's copy of the remote), reading the desired-state folder `sub`
 * (repo-relative, '' for the root).
 */
export function gitdirReader(gitdir: string, sub: string, ref: string, cache: BlobCache = new Map()) {
  return commitReader({ gitdir }, gitdir, sub, ref, cache);
}

async function commitReader(
  place: GitPlace,
  name: string,
  sub: string,
  ref: string,
  cache: BlobCache,
): Promise<RepoReader> {
  let commit: string;
  try {
    commit = await resolveRevision(place, ref);
  } catch (e) {
    throw new KumaGitopsError(
      'git.bad-ref',
      `git ref '${ref}' not found in ${name}: ${(e as Error).message.split('\n')[0]}`,
      { dir: name, ref },
      { cause: e },
    );
  }
  const oids = new Map<string, string>();
  const links = new Set<string>();
  const { commit: c } = await git.readCommit({ fs, ...place, oid: commit, cache: gitCache });
  // Only the desired-state folder's tree: the rest of a big repository is never listed.
  const root = sub === '' ? c.tree : await subtree(place, c.tree, sub);
  if (root) await readTree(place, root, '', oids, links);
  const label = `${ref} (${commit.slice(0, 7)})`;
  const spend = repoBudget(label);
  const tooLargeBlobs = new Map<string, number>();
  const blobText = async (oid: string) => {
    let text = cache.get(oid);
    if (text === undefined) {
      const known = tooLargeBlobs.get(oid);
      if (known !== undefined) return known;
      // isomorphic-git has no size query: a blob is inflated before its size is known (limit checked after), once.
      const { blob } = await git.readBlob({ fs, ...place, oid, cache: gitCache });
      if (blob.length > MAX_FILE_BYTES) {
        tooLargeBlobs.set(oid, blob.length);
        return blob.length;
      }
      spend(blob.length);
      text = Buffer.from(blob).toString('utf8');
      cache.set(oid, text);
    }
    return text;
  };
  return {
    label,
    list: async () => [...oids.keys()],
    oidOf: (path) => oids.get(path),
    read: async (path) => {
      const oid = oids.get(path);
      if (!oid) return undefined;
      const text = await blobText(oid);
      // A link is shown to the reviewer as a link, exactly as the working-tree reader reports it.
      if (links.has(path)) return { ...symlinkFile(path, typeof text === 'string' ? text : '…'), oid };
      if (typeof text === 'number') return { ...tooLarge(path, text), oid };
      return { path, text, oid };
    },
  };
}

/** A ref, a (short) commit id, or either followed by `~N` / `^` (first parents), as git rev-parse reads them. */
async function resolveRevision(place: GitPlace, rev: string): Promise<string> {
  const m = /^(.*?)((?:~\d*|\^)*)$/.exec(rev)!;
  const base = m[1]!;
  let oid = await git.resolveRef({ fs, ...place, ref: base }).catch(() => git.expandOid({ fs, ...place, oid: base }));
  // An annotated tag points at a tag object: peel it to its commit.
  oid = (
    await git
      .readCommit({ fs, ...place, oid, cache: gitCache })
      .catch(async () => git.readTag({ fs, ...place, oid }).then((t) => ({ oid: t.tag.object })))
  ).oid;
  for (const step of m[2]!.match(/~\d*|\^/g) ?? []) {
    const n = step === '^' || step === '~' ? 1 : Number(step.slice(1));
    for (let i = 0; i < n; i++) {
      const { commit } = await git.readCommit({ fs, ...place, oid, cache: gitCache });
      if (!commit.parent[0]) throw new Error(`${rev}: commit ${oid.slice(0, 7)} has no parent`);
      oid = commit.parent[0];
    }
  }
  return oid;
}

/** The tree at `path` below `tree`, or undefined when the revision has no such folder (nothing to read). */
async function subtree(place: GitPlace, tree: string, path: string): Promise<string | undefined> {
  let oid: string | undefined = tree;
  for (const name of path.split('/')) {
    const { tree: entries } = await git.readTree({ fs, ...place, oid, cache: gitCache });
    oid = entries.find((e) => e.path === name && e.type === 'tree')?.oid;
    if (!oid) return undefined;
  }
  return oid;
}

async function readTree(
  place: GitPlace,
  oid: string,
  prefix: string,
  out: Map<string, string>,
  links: Set<string>,
): Promise<void> {
  const { tree } = await git.readTree({ fs, ...place, oid, cache: gitCache });
  await Promise.all(
    tree.map(async (entry) => {
      const path = prefix + entry.path;
      if (entry.type === 'tree') await readTree(place, entry.oid, `${path}/`, out, links);
      else if (entry.type === 'blob') {
        out.set(path, entry.oid);
        if (entry.mode === '120000') links.add(path); // a symbolic link: its blob is the link's target
      }
    }),
  );
}
