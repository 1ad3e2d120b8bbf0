import { basename } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import { sameArgv } from '../model/kuma-dp-command.js';
import { groupMembers, isLive, liveProcesses, type ProcInfo, readProc, stdoutTarget } from './proc-table.js';

/**
 * Finding and ending the detached kuma-dp: its session leader (the pid the supervisor records) and the process group
 * it leads, which holds runuser, kuma-dp and whatever kuma-dp starts (envoy, coredns).
 */

/** The recorded process when it is alive, has the recorded start time and runs exactly the recorded command. */
export async function findRecorded(pid: number, startTime: number, argv: readonly string[]) {
  const info = await readProc(pid);
  return isLive(info) && info.startTime === startTime && sameArgv(info.argv, argv) ? info : undefined;
}

/**
 * A session leader running exactly `argv` and writing to `logFile`: how a kuma-dp started by an agent that died
 * before writing the pidfile is found again. Every process the supervisor starts leads its own session; the log
 * file tells ours from the same command started for another host or by someone else.
 */
export async function findOrphanLeader(argv: readonly string[], logFile: string): Promise<ProcInfo | undefined> {
  const candidates = await liveProcesses((info) => info.pid === info.session && sameArgv(info.argv, argv));
  for (const candidate of candidates) if ((await stdoutTarget(candidate.pid)) === logFile) return candidate;
  return undefined;
}

/** Members of group `pgrp` still alive after its leader died, when they are ours (one runs our command's tail). */
export async function orphanedGroup(pgrp: number, argv: readonly string[]): Promise<ProcInfo[]> {
  const members = await groupMembers(pgrp);
  const tail = commandAfterRunuser(argv);
  return members.some((m) => sameArgv(m.argv, argv) || sameArgv(m.argv, tail)) ? members : [];
}

/**
 * SIGTERM to the main process only; once it is gone (or after `timeoutMs`), SIGKILL to what is left of the group,
 * like systemd's KillMode=mixed. The main process is kuma-dp: it drains, then stops envoy itself, so envoy must not
 * get the SIGTERM too. And it is not runuser: runuser answers SIGTERM by SIGKILLing its child two seconds later,
 * which would cut the drain short.
 */
export async function terminateGroup(pgrp: number, timeoutMs: number): Promise<{ killed: boolean }> {
  const members = await groupMembers(pgrp);
  if (members.length === 0) return { killed: false };
  const main = mainProcesses(pgrp, members);
  for (const target of main) signal(target.pid, 'SIGTERM');
  const gone = (procs: ProcInfo[]) => async () =>
    (await Promise.all(procs.map((p) => findRecorded(p.pid, p.startTime, p.argv)))).every((p) => p === undefined);
  const deadline = Date.now() + timeoutMs;
  const mainGone = await waitFor(gone(main), timeoutMs);
  // runuser exits right after its child: a short grace for it, then whatever remains was left behind by kuma-dp.
  const waiting = members.filter((m) => isRunuser(m.argv) && !main.includes(m));
  if (mainGone) await waitFor(gone(waiting), Math.min(1_000, Math.max(0, deadline - Date.now())));
  if ((await groupMembers(pgrp)).length === 0) return { killed: false };
  signal(-pgrp, 'SIGKILL');
  if (await waitFor(async () => (await groupMembers(pgrp)).length === 0, 5_000)) return { killed: true };
  const left = await groupMembers(pgrp);
  throw new KumaGitopsError(
    'supervisor.stop-failed',
    `kuma-dp process group ${pgrp} survived SIGKILL (pids ${left.map((m) => m.pid).join(', ')}): ` +
      'check for processes stuck in the kernel (state D) and stop them by hand',
    { pgrp, pids: left.map((m) => m.pid) },
  );
}

function mainProcesses(pgrp: number, members: ProcInfo[]): ProcInfo[] {
  const leader = members.find((m) => m.pid === pgrp);
  if (leader !== undefined && !isRunuser(leader.argv)) return [leader];
  // runuser's children; with the leader gone (an orphaned group), the members nobody else in the group started.
  const parent = leader?.pid;
  const pids = new Set(members.map((m) => m.pid));
  const main = members.filter((m) => (parent === undefined ? !pids.has(m.ppid) : m.ppid === parent));
  // runuser has not forked yet: it is the only one to tell.
  return main.length > 0 ? main : members;
}

/** Polls `done` every 50 ms; false when `timeoutMs` passed first. */
export async function waitFor(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isRunuser = (argv: readonly string[]) => basename(argv[0] ?? '') === 'runuser';

/** `runuser -u U -- cmd ...` -> `cmd ...`: what kuma-dp's own /proc/PID/cmdline shows. */
function commandAfterRunuser(argv: readonly string[]): readonly string[] {
  const dashes = argv.indexOf('--');
  return isRunuser(argv) && dashes >= 0 ? argv.slice(dashes + 1) : argv;
}

/** Sends a signal; a process that is gone already is not an error. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: it exited on its own meanwhile, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
