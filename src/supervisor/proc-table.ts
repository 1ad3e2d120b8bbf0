import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * What /proc says about a process: enough to tell our kuma-dp from a process that reused its pid, and to find every
 * process of its group. Linux only, like the transparent proxy itself.
 */
export interface ProcInfo {
  pid: number;
  /** One letter: R, S, D, Z (zombie: dead, not yet reaped), ... */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks since boot: with the pid, identifies one process for its whole life (survives exec). */
  startTime: number;
  argv: string[];
}

/** The process, or undefined when it does not exist (or vanished while being read). */
export async function readProc(pid: number): Promise<ProcInfo | undefined> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ]);
    return { pid, ...parseStat(stat), argv: cmdline === '' ? [] : cmdline.replace(/\0$/, '').split('\0') };
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** The fields of /proc/PID/stat we use. Field 2 (comm) is in parentheses and may itself hold spaces and parentheses. */
export function parseStat(stat: string): Omit<ProcInfo, 'pid' | 'argv'> {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { state: fields[0] ?? '?', ppid: field(4), pgrp: field(5), session: field(6), startTime: field(22) };
}

/** Alive means running or sleeping: a zombie has exited already. */
export const isLive = (info: ProcInfo | undefined): info is ProcInfo => info !== undefined && info.state !== 'Z';

/** Every live process that passes `test`. */
export async function liveProcesses(test: (info: ProcInfo) => boolean): Promise<ProcInfo[]> {
  const infos = await Promise.all((await procPids()).map((pid) => readProc(pid)));
  return infos.filter((info): info is ProcInfo => isLive(info) && test(info));
}

/** Every live process whose process group is `pgrp`. */
export const groupMembers = (pgrp: number): Promise<ProcInfo[]> => liveProcesses((info) => info.pgrp === pgrp);

/**
 * Live children of `pid`, lowest pid first. /proc has no child list, so every process's stat is read (only the stat:
 * this runs on every live read of a runuser-wrapped kuma-dp), then the children in full.
 */
export async function childrenOf(pid: number): Promise<ProcInfo[]> {
  const pids = await procPids();
  const stats = await Promise.all(pids.map((p) => readFile(`/proc/${p}/stat`, 'utf8').catch(() => undefined)));
  const children = pids.filter((_, i) => stats[i] !== undefined && parseStat(stats[i]!).ppid === pid);
  return (await Promise.all(children.map(readProc))).filter(isLive).sort((a, b) => a.pid - b.pid);
}

const procPids = async (): Promise<number[]> =>
  (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);

/** The real uid the process runs as (kuma-dp's, not runuser's), or undefined when it is gone. */
export async function procUid(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  return status === undefined ? undefined : parseStatusUid(status);
}

/** Real uid from the `Uid:` line of /proc/PID/status (real, effective, saved, filesystem). */
export function parseStatusUid(status: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** Where the process's stdout goes (a path for files), or undefined when unknown. */
export async function stdoutTarget(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/fd/1`).catch(() => undefined);
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // ESRCH: the process exited between readdir and read.
  return code === 'ENOENT' || code === 'ESRCH';
}
