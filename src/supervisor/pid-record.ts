import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import { writeFileSafely } from '../system/safe-write.js';
import { SAFE_HOST } from './supervisor.js';

/**
 * Where the process supervisor keeps track of the kuma-dp it started, under `<stateDir>/<host>/`: the classic
 * pidfile (just the pid, for `kill $(cat kuma-dp.pid)`), the log, and a record of what was started (argv, pid,
 * start time) so that a recycled pid, or a pidfile edited by hand, is never taken for our kuma-dp. The environment
 * is not recorded: it may hold a token.
 *
 * The record is written before the spawn with the argv only (the intent) and completed after it: an agent killed
 * in between leaves a record that lets the next run find the orphan by its command line instead of starting a
 * second kuma-dp next to it.
 */
export interface PidRecord {
  /** The command as /proc/PID/cmdline shows it once started (without any `ip netns exec` prefix). */
  argv: string[];
  /** Set once started, and only when the pidfile agrees. */
  started?: { pid: number; startTime: number } | undefined;
}

export interface PidPaths {
  dir: string;
  pidFile: string;
  recordFile: string;
  logFile: string;
}

export function pidPaths(stateDir: string, host: string): PidPaths {
  if (!SAFE_HOST.test(host)) {
    throw new KumaGitopsError(
      'supervisor.host-invalid',
      `host name ${JSON.stringify(host)} cannot name a state directory or unit: use letters, digits, '.', '_' and '-'`,
      { host },
    );
  }
  const dir = join(stateDir, host);
  return {
    dir,
    pidFile: join(dir, 'kuma-dp.pid'),
    recordFile: join(dir, 'kuma-dp.started.json'),
    logFile: join(dir, 'kuma-dp.log'),
  };
}

/** The record, or undefined when there is none; `started` only when the pidfile names the same pid. */
export async function readPidRecord(paths: PidPaths): Promise<PidRecord | undefined> {
  const recordText = await readIfExists(paths.recordFile);
  if (recordText === undefined) return undefined;
  let record: { argv?: unknown; pid?: unknown; startTime?: unknown };
  try {
    record = JSON.parse(recordText);
  } catch {
    return undefined;
  }
  const { argv, pid, startTime } = record;
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) return undefined;
  const pidText = await readIfExists(paths.pidFile);
  const agrees = pidText !== undefined && Number(pidText.trim()) === pid;
  const started =
    agrees && Number.isInteger(pid) && (pid as number) > 0 && typeof startTime === 'number'
      ? { pid: pid as number, startTime }
      : undefined;
  return { argv, started };
}

/** Before the spawn: no pidfile, a record with the argv only. */
export async function writeStartIntent(paths: PidPaths, argv: readonly string[]): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o755 });
  await rm(paths.pidFile, { force: true });
  await writeAtomically(paths.recordFile, `${JSON.stringify({ argv })}\n`);
}

/** After the spawn: the full record first, the pidfile last, each by rename. */
export async function writeStarted(paths: PidPaths, argv: readonly string[], pid: number, startTime: number) {
  await writeAtomically(paths.recordFile, `${JSON.stringify({ argv, pid, startTime })}\n`);
  await writeAtomically(paths.pidFile, `${pid}\n`);
}

export async function removePidRecord(paths: PidPaths): Promise<void> {
  await rm(paths.pidFile, { force: true });
  await rm(paths.recordFile, { force: true });
}

async function writeAtomically(path: string, content: string): Promise<void> {
  writeFileSafely(path, content, { mode: 0o644, createParents: false });
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
