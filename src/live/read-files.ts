import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LiveFile, LiveState } from '../reconcile/live-state.js';
import { LiveReadError } from './live-errors.js';
import type { UserDb } from './users.js';

/**
 * The host files a target needs, and the token file's accessibility. Host-wide (network namespaces do not change
 * the filesystem). The token's content is never read: only its metadata, so it cannot end up in logs or the journal.
 */
export interface Identity {
  uid: number;
  /** Primary and supplementary groups. */
  gids: number[];
}

interface Owned {
  mode: number;
  uid: number;
  gid: number;
}

const READ = 4;
const SEARCH = 1;

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/** content, mode (permission bits only), owner; undefined when missing. */
export async function readLiveFile(path: string): Promise<LiveFile | undefined> {
  try {
    const [info, content] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return { content, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new LiveReadError(path, error);
  }
}

export async function readLiveFiles(paths: readonly string[]): Promise<Record<string, LiveFile | undefined>> {
  const files = await Promise.all(paths.map(readLiveFile));
  return Object.fromEntries(paths.map((path, i) => [path, files[i]]));
}

/**
 * The classic permission check: the owner class applies to the owner even when the group or others would allow
 * more, then the group class, then others. Root passes. ACLs are not considered.
 */
export function permits(file: Owned, who: Identity, bit: number): boolean {
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

/** Exists, and `who` may open it for reading: read on the file, search on every directory above it. */
export async function readTokenAccess(path: string, who: Identity): Promise<LiveState['token']> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (isMissing(error)) return { path, exists: false, readableByKumaDp: false };
    throw new LiveReadError(path, error);
  }
  const dirs: string[] = [];
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dir === dirname(dir)) break;
  }
  let stats: Stats[];
  try {
    stats = await Promise.all([real, ...dirs].map((p) => stat(p)));
  } catch (error) {
    if (isMissing(error)) return { path, exists: false, readableByKumaDp: false }; // removed while we looked
    throw new LiveReadError(path, error);
  }
  const [file, ...parents] = stats as [Stats, ...Stats[]];
  const readable = file.isFile() && permits(file, who, READ) && parents.every((d) => permits(d, who, SEARCH));
  return { path, exists: true, readableByKumaDp: readable };
}
