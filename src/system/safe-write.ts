import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KumaGitopsError } from '../errors.js';

/**
 * The one way kuma-gitops writes a file as root: a temp file with a random name opened O_CREAT|O_EXCL|O_NOFOLLOW
 * in the target's own folder (a name planted there in advance, or a symlink, makes the open fail instead of
 * writing through it), mode and owner set on the open descriptor, fsync, rename over the target, fsync of the
 * folder. The folder must be a real directory (no symbolic link on the way) that only its owner can write: anyone
 * else who can write there could swap the file between our write and kuma-dp's read.
 */
export interface SafeWriteOptions {
  /** Permission bits of the file (default 0644). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Create missing folders (0755) above the file (default true). */
  createParents?: boolean;
}

export class UnsafeWriteError extends KumaGitopsError {
  constructor(path: string, folder: string, what: string, fix: string) {
    super('write.unsafe-folder', `cannot write ${path} safely: ${folder} ${what}: ${fix}; nothing was written`, {
      path,
      folder,
    });
    this.name = 'UnsafeWriteError';
  }
}

export function writeFileSafely(path: string, content: string | Uint8Array, o: SafeWriteOptions = {}): void {
  const folder = dirname(path);
  if (o.createParents ?? true) mkdirSync(folder, { recursive: true, mode: 0o755 });
  checkFolder(path, folder);
  const tmp = join(folder, `.${basename(path)}.kuma-gitops-${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      if (o.uid !== undefined && o.gid !== undefined) fchownSync(fd, o.uid, o.gid);
      fchmodSync(fd, o.mode ?? 0o644);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncFolder(folder);
}

function checkFolder(path: string, folder: string): void {
  let real: string;
  try {
    real = realpathSync(folder);
  } catch (error) {
    throw new UnsafeWriteError(path, folder, `cannot be resolved (${(error as Error).message})`, 'create it first');
  }
  if (real !== folder) {
    throw new UnsafeWriteError(
      path,
      folder,
      `leads through a symbolic link to ${real}`,
      'point the setting at the real folder',
    );
  }
  const info = lstatSync(folder);
  if (!info.isDirectory()) throw new UnsafeWriteError(path, folder, 'is not a folder', 'point the setting at a folder');
  // Only the folder's owner, this process's user, may write there: anyone else could swap the file.
  const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
  if ((info.mode & 0o022) !== 0) {
    const who = info.mode & 0o1000 ? 'shared with other users (sticky, like /tmp)' : 'writable by other users';
    throw new UnsafeWriteError(path, folder, `is ${who} (mode ${mode})`, `chmod go-w ${folder}, or write elsewhere`);
  }
  const me = process.geteuid?.() ?? 0;
  if (info.uid !== me) {
    throw new UnsafeWriteError(
      path,
      folder,
      `is owned by uid ${info.uid}`,
      `chown ${me} ${folder}, or write elsewhere`,
    );
  }
}

function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; the rename is done either way.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
