import { readFile, stat } from 'node:fs/promises';
import type { LiveFile } from '../model/live-state.js';
import { LiveReadError } from './live-errors.js';

/**
 * The host files kuma-gitops writes for a target, as they are now. Host-wide (network namespaces do not change the
 * filesystem). The token is not one of them: read-access.ts looks at its metadata only.
 */
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
