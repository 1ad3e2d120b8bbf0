import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import { pidExists } from '../system/pid-exists.js';

/**
 * One reconcile per host at a time: an exclusive lock file holding the owner's pid. A lock whose process is gone
 * (a killed run) is taken over; the journal then tells what that run left unfinished.
 */
export function acquireHostLock(dir: string, host: string): () => void {
  const path = join(dir, 'lock');
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
        throw new KumaGitopsError(
          'reconcile.locked',
          `another kuma-gitops (pid ${owner}) is reconciling host ${host}: wait for it to finish, or remove ${path} if that process is not kuma-gitops`,
          { host, owner, path },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new KumaGitopsError('reconcile.locked', `could not take the lock ${path} for host ${host}`, { host, path });
}
