import { posix } from 'node:path';

/** Layout of a desired-state repo. */
export const FLEET_FILE = 'fleet.yaml';
export const GROUPS_DIR = 'groups/';
export const HOSTS_DIR = 'hosts/';

const YAML_EXT = /\.ya?ml$/;

export const isHostFile = (p: string) => p.startsWith(HOSTS_DIR) && YAML_EXT.test(p);
export const isGroupFile = (p: string) => p.startsWith(GROUPS_DIR) && YAML_EXT.test(p);
export const baseName = (p: string) => posix.basename(p).replace(YAML_EXT, '');

/**
 * A file reference written in the repo (template, tproxy config) as a repo-relative path, or an explanation of why
 * it is not one. References may not leave the repo: the repo is what reviewers see.
 */
export function resolveRepoPath(ref: string): { path: string } | { problem: string } {
  if (ref.includes('\0')) return { problem: 'contains a NUL byte' };
  if (posix.isAbsolute(ref) || /^[A-Za-z]:[\\/]/.test(ref)) {
    return { problem: `'${ref}' is absolute; write a path relative to the repo root` };
  }
  const normal = posix.normalize(ref.replaceAll('\\', '/'));
  if (normal === '..' || normal.startsWith('../')) {
    return { problem: `'${ref}' points outside the repo; files must live inside the desired-state repo` };
  }
  return { path: normal };
}
