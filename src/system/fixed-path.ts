import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The PATH of every program kuma-gitops runs as root (iptables, ip, runuser, useradd, systemctl): fixed, never the
 * caller's nor the repository's, and without /usr/local, so that neither can choose which program root runs.
 */
export const ROOT_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** `program` as an absolute path found on ROOT_PATH (unchanged when it already has a '/'), or undefined. */
export function rootExecutable(program: string): string | undefined {
  if (program.includes('/')) return program;
  for (const dir of ROOT_PATH.split(':')) {
    const file = join(dir, program);
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}
