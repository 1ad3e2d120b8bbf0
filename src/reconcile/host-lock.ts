import { join } from 'node:path';
import { acquirePidLock } from '../system/pid-lock.js';

/** One reconcile per host at a time (system/pid-lock.ts); a lock left by a killed run is taken over. */
export function acquireHostLock(dir: string, host: string): () => void {
  return acquirePidLock(join(dir, 'lock'), (owner, path) => ({
    code: 'reconcile.locked',
    message: `another kuma-gitops (pid ${owner}) is reconciling host ${host}: wait for it to finish, or remove ${path} if that process is not kuma-gitops`,
    data: { host },
  }));
}
