import { readFile } from 'node:fs/promises';
import type { LiveKumaDp } from '../model/live-state.js';
import { childrenOf, isLive, type ProcInfo, procUid, readProc } from '../supervisor/proc-table.js';
import { LiveReadError } from './live-errors.js';

/**
 * The supervised kuma-dp process as /proc shows it (read with the supervisor's proc-table.ts). The supervisor's pid
 * may be `runuser`, which forks and waits (for its PAM session) while its child runs kuma-dp: argv and environment
 * are those of the supervised process (what we started), the uid is the one kuma-dp itself runs as (what the
 * iptables owner match sees).
 */
export type LiveProcess = Omit<LiveKumaDp, 'ready'>;

// Wrappers that fork and wait rather than exec: the process that matters is their child.
const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const FORKING_WRAPPERS = new Set(['runuser', 'su', 'sudo']);
export const isForkingWrapper = (argv: readonly string[]): boolean => FORKING_WRAPPERS.has(basename(argv[0] ?? ''));
const VANISHED = new Set(['ENOENT', 'ESRCH']);

async function readEnviron(pid: number): Promise<string | undefined> {
  const path = `/proc/${pid}/environ`;
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (VANISHED.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new LiveReadError(path, error);
  }
}

export function parseEnviron(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Follows forking wrappers (runuser, su, sudo) down to the process they run; at most a few levels. */
async function innermost(process: ProcInfo): Promise<ProcInfo> {
  let current = process;
  for (let depth = 0; depth < 4 && isForkingWrapper(current.argv); depth++) {
    const [child] = await childrenOf(current.pid);
    if (child === undefined) break; // a wrapper that exec'd, or whose child is gone: the wrapper is all there is
    current = child;
  }
  return current;
}

/** undefined when the process is gone (or a zombie). */
export async function readProcess(pid: number): Promise<LiveProcess | undefined> {
  const [info, environ] = await Promise.all([
    // readProc maps a vanished process to undefined; anything else is a read we cannot do.
    readProc(pid).catch((error: NodeJS.ErrnoException) => {
      throw new LiveReadError(error.path ?? `/proc/${pid}`, error);
    }),
    readEnviron(pid),
  ]);
  if (!isLive(info) || info.argv.length === 0 || environ === undefined) return undefined;
  const target = await innermost(info);
  return { pid, argv: info.argv, env: parseEnviron(environ), uid: await procUid(target.pid) };
}
