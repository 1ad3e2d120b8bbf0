import { readdir, readFile } from 'node:fs/promises';
import type { LiveKumaDp } from '../reconcile/live-state.js';
import { LiveReadError } from './live-errors.js';

/**
 * The supervised kuma-dp process as /proc shows it. The supervisor's pid may be `runuser`, which forks and waits
 * (for its PAM session) while its child runs kuma-dp: argv and environment are those of the supervised process (what
 * we started), the uid is the one kuma-dp itself runs as (what the iptables owner match sees).
 */
export type LiveProcess = Omit<LiveKumaDp, 'ready'>;

// Wrappers that fork and wait rather than exec: the process that matters is their child.
const FORKING_WRAPPERS = new Set(['runuser', 'su', 'sudo']);
const VANISHED = new Set(['ENOENT', 'ESRCH']);

async function readProc(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (VANISHED.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new LiveReadError(path, error);
  }
}

const splitNul = (text: string): string[] =>
  text.split('\0').filter((part, i, all) => part !== '' || i < all.length - 1);

export function parseEnviron(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Real uid from the `Uid:` line of /proc/PID/status (real, effective, saved, filesystem). */
export function parseStatusUid(status: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** ppid from /proc/PID/stat; the command name may hold spaces and parentheses, so parse after the last ')'. */
export function parseStatPpid(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Children of `pid`, lowest pid first, found by scanning /proc/*\/stat (there is no child list in /proc). */
export async function childPids(pid: number): Promise<number[]> {
  const entries = await readdir('/proc');
  const candidates = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const stats = await Promise.all(candidates.map((p) => readProc(`/proc/${p}/stat`).catch(() => undefined)));
  return candidates.filter((_, i) => stats[i] !== undefined && parseStatPpid(stats[i]!) === pid).sort((a, b) => a - b);
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Follows forking wrappers (runuser, su, sudo) down to the process they run; at most a few levels. */
async function innermostPid(pid: number, argv0: string): Promise<number> {
  let current = pid;
  let program = argv0;
  for (let depth = 0; depth < 4 && FORKING_WRAPPERS.has(basename(program)); depth++) {
    const [child] = await childPids(current);
    if (child === undefined) break; // a wrapper that exec'd, or whose child is gone: the wrapper is all there is
    const childArgv = await readProc(`/proc/${child}/cmdline`);
    if (childArgv === undefined) break;
    current = child;
    program = splitNul(childArgv)[0] ?? '';
  }
  return current;
}

/** undefined when the process is gone (or a zombie: its cmdline is empty). */
export async function readProcess(pid: number): Promise<LiveProcess | undefined> {
  const [cmdline, environ] = await Promise.all([readProc(`/proc/${pid}/cmdline`), readProc(`/proc/${pid}/environ`)]);
  if (cmdline === undefined || environ === undefined || cmdline === '') return undefined;
  const argv = splitNul(cmdline);
  const target = await innermostPid(pid, argv[0] ?? '');
  const status = await readProc(`/proc/${target}/status`);
  return { pid, argv, env: parseEnviron(environ), uid: status === undefined ? undefined : parseStatusUid(status) };
}
