import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { KumaGitopsError } from '../errors.js';
import { pidExists } from './pid-exists.js';

/**
 * An exclusive lock file holding the owner's pid. A lock whose process is gone (a killed run) is taken over; the
 * caller's journal then tells what that run left unfinished. `busy` words the refusal for the caller's subject.
 */
export function acquirePidLock(
  path: string,
  busy: (owner: number, path: string) => { code: string; message: string; data?: Record<string, unknown> },
): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidExists(owner)) {
        const b = busy(owner, path);
        throw new KumaGitopsError(b.code, b.message, { owner, path, ...b.data });
      }
      rmSync(path, { force: true });
    }
  }
  const b = busy(0, path);
  throw new KumaGitopsError(b.code, `could not take the lock ${path}`, { path });
}
