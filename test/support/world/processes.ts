/**
 * Processes of the test worlds: found by their command line (our kuma-dp's argv holds its world's unique paths) or
 * by their network namespace, and killed by pid. Names of things made by a run carry its pid, so a run that is gone
 * is told from one still going (another vitest worker, another engineer's run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { exec, sleep } from './exec.js';

export interface ProcessInfo {
  pid: number;
  uid: number;
  argv: string[];
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `name` is `<prefix><pid>-...` and that pid is neither this process nor alive: a killed run's. */
export function isOfDeadRun(name: string, prefix: string): boolean {
  if (!name.startsWith(prefix)) return false;
  const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
}

/** Live (not zombie) processes whose command line contains `needle`. */
export function processesWith(needle: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (!argv.some((a) => a.includes(needle))) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      found.push({ pid: Number(entry), uid, argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function kill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** SIGKILLs every process whose command line contains `needle` and waits (up to 2 s) until none is left. */
export async function killProcessesWith(needle: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const pids = processesWith(needle)
      .map((p) => p.pid)
      .filter((pid) => pid !== process.pid);
    if (pids.length === 0) return;
    kill(pids);
    await sleep(20);
  }
}

/** SIGKILLs every process in the namespace and waits (up to 5 s) until none is left. */
export async function killNetnsProcesses(ns: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const r = await exec(['ip', 'netns', 'pids', ns]);
    const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
    if (r.code !== 0 || pids.length === 0) return;
    kill(pids);
    await sleep(100);
  }
}
