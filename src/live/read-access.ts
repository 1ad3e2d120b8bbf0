import type { Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Blocker, KumaDpNeed, PathAccess, Unsafe } from '../model/kuma-dp-access.js';
import { LiveReadError } from './live-errors.js';
import type { UserDb } from './users.js';

/**
 * Whether the kuma-dp user can reach what kuma-dp needs (kuma-dp-needs.ts), read from stat() as root: the classic
 * permission bits of the file and of every folder above it, before the user exists if need be. Contents are never
 * read (the token's in particular); only a binary's first two bytes, to see whether it is a script.
 */
export interface Identity {
  uid: number;
  /** Primary and supplementary groups. */
  gids: number[];
}

const READ = 4;
const EXECUTE = 1;
const SEARCH = 1;

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * The classic permission check: the owner class applies to the owner even when the group or others would allow
 * more, then the group class, then others. Root passes. POSIX ACLs are not considered.
 */
export function permits(file: { mode: number; uid: number; gid: number }, who: Identity, bit: number): boolean {
  if (who.uid === 0) return true;
  if (file.uid === who.uid) return ((file.mode >> 6) & bit) === bit;
  if (who.gids.includes(file.gid)) return ((file.mode >> 3) & bit) === bit;
  return (file.mode & bit) === bit;
}

/** The kuma-dp user as the kernel will see it: from /etc/passwd and /etc/group, or the target uid alone. */
export function identityOf(db: UserDb, user: { name: string; uid: number }): Identity {
  const found = db.findUser(user.name);
  if (found !== undefined) return { uid: found.uid, gids: db.groupIdsOf(found) };
  // Not created yet: `useradd -U` will make it the primary member of a group of its own name, if one exists already.
  const own = db.groups.find((g) => g.name === user.name);
  return { uid: user.uid, gids: own ? [own.gid] : [] };
}

export function readAccess(needs: readonly KumaDpNeed[], who: Identity): Promise<PathAccess[]> {
  return Promise.all(needs.map((need) => readOne(need, who)));
}

/** A folder on the way to a path, with its stat; folders that do not exist are left out. */
interface Folder {
  path: string;
  info: Stats;
}

async function readOne(need: KumaDpNeed, who: Identity): Promise<PathAccess> {
  const real = await realpathOrMissing(need.path);
  if (real === undefined && need.presence !== 'written') {
    return { ...need, state: need.presence === 'optional' ? 'ok' : 'missing' };
  }
  // Both the path as written and where its links lead must be passable. Each folder is stat'ed once, here; a file
  // kuma-gitops writes gets its mode from kuma-gitops and missing folders are made 0755, so only existing ones count.
  const literal = ancestors(dirname(need.path));
  const folders = await statFolders(unique([...literal, ...(real === undefined ? [] : ancestors(dirname(real)))]));
  for (const { path, info } of folders) {
    if (!permits(info, who, SEARCH)) return blocked(need, path, 'folder', info);
  }
  if (need.presence === 'written') {
    const written = folders.filter((f) => literal.includes(f.path));
    return { ...need, state: 'ok', ...(await writeSafety(written)) };
  }
  if (real === undefined) return { ...need, state: 'ok' };
  const info = await statOrMissing(real);
  if (info === undefined) return { ...need, state: need.presence === 'optional' ? 'ok' : 'missing' };
  if (!info.isFile()) return blocked(need, need.path, 'not-a-file', info);
  // A script is opened by its interpreter as the user: it needs read as well as execute.
  const bits = need.access === 'read' ? [READ] : (await isScript(real)) ? [EXECUTE, READ] : [EXECUTE];
  if (bits.some((bit) => !permits(info, who, bit))) return blocked(need, need.path, 'file', info);
  if (need.access !== 'execute') return { ...need, state: 'ok' };
  return { ...need, state: 'ok', ...binarySafety(need.path, info, folders) };
}

/** Owned by root and writable by no one else: `mode` bits group/other write, unless sticky (/tmp) where allowed. */
const rootOnly = (info: Stats, stickyOk: boolean) =>
  info.uid === 0 && ((info.mode & 0o022) === 0 || (stickyOk && (info.mode & 0o1000) !== 0));

const unsafeFolder = ({ path, info }: Folder): { unsafe: Unsafe } => ({
  unsafe: { path, kind: 'folder', mode: info.mode & 0o7777, uid: info.uid },
});

/** A binary: the file and every folder above it (as written and where links lead) only root can change. */
function binarySafety(path: string, info: Stats, folders: readonly Folder[]): { unsafe?: Unsafe } {
  if (!rootOnly(info, false)) return { unsafe: { path, kind: 'file', mode: info.mode & 0o7777, uid: info.uid } };
  const open = folders.find((f) => !rootOnly(f.info, true));
  return open === undefined ? {} : unsafeFolder(open);
}

/**
 * A file root writes, given the existing folders of its path as written: no symbolic link on the way (where it
 * leads is not what the path says), the folder it goes into writable by root alone, and the folders above it
 * changeable by root alone (a sticky /tmp is fine there).
 */
async function writeSafety(existing: readonly Folder[]): Promise<{ unsafe?: Unsafe }> {
  const nearest = existing.at(-1);
  if (nearest === undefined) return {};
  const real = await realpathOrMissing(nearest.path);
  if (real !== undefined && real !== nearest.path) {
    // The first folder, from the root down, whose real path differs from the written one is the link.
    for (const folder of existing) {
      const target = await realpathOrMissing(folder.path);
      if (target !== folder.path) {
        const { mode, uid } = folder.info;
        return { unsafe: { path: folder.path, kind: 'link', mode: mode & 0o7777, uid, target } };
      }
    }
  }
  const open = existing.find((f) => !rootOnly(f.info, f !== nearest));
  return open === undefined ? {} : unsafeFolder(open);
}

const blocked = (need: KumaDpNeed, path: string, kind: Blocker['kind'], info: Stats): PathAccess => ({
  ...need,
  state: 'blocked',
  blocker: { path, kind, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid },
});

/** `/a/b/c` -> `/`, `/a`, `/a/b`, `/a/b/c`. */
function ancestors(dir: string): string[] {
  const chain: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.unshift(d);
    if (d === dirname(d)) return chain;
  }
}

/** The folders that exist, with their stats, in the order given; read concurrently. */
async function statFolders(paths: readonly string[]): Promise<Folder[]> {
  const infos = await Promise.all(paths.map((path) => statOrMissing(path)));
  return paths.flatMap((path, i) => {
    const info = infos[i];
    return info?.isDirectory() ? [{ path, info }] : [];
  });
}

const unique = (paths: string[]) => [...new Set(paths)];

/** `read(path)`, or undefined when the path (or a folder on it) does not exist; other errors name the path. */
async function orMissing<T>(path: string, read: (path: string) => Promise<T>): Promise<T | undefined> {
  try {
    return await read(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new LiveReadError(path, error);
  }
}

const realpathOrMissing = (path: string) => orMissing(path, (p) => realpath(p));
const statOrMissing = (path: string) => orMissing(path, (p) => stat(p));

async function isScript(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return false;
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}
