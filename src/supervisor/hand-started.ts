import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import { isForkingWrapper } from '../live/read-process.js';
import { childrenOf, isLive, liveProcesses, type ProcInfo, readProc, stdoutTarget } from './proc-table.js';
import { signal, waitFor } from './process-group.js';
import type { Supervisor } from './supervisor.js';

/**
 * A kuma-dp started by hand, the guide's way (`runuser -u kuma-dp -- kuma-dp run ...` from a shell or a unit of the
 * user's own), found in /proc so that adopting a host does not restart it: the reconciler reads it as the host's
 * running kuma-dp until the first change that needs a restart, which stops it and starts ours. Read only.
 */
export interface HandStartedOptions {
  /** The host's namespace (`ip netns add` name); undefined: the namespace kuma-gitops itself runs in. */
  netns: string | undefined;
  /** kuma-gitops's own state directory: processes logging there are another host's supervised kuma-dp. */
  stateDir: string;
}

// `kuma-dp run ...`, or the same under a wrapper; `kuma-dp.mjs`-like names cover scripts (the tests' stand-in).
const KUMA_DP = /^kuma-dp(\.[a-z]+)?$/;
const runsKumaDp = (argv: readonly string[]) =>
  argv.some((word, i) => KUMA_DP.test(basename(word)) && argv[i + 1] === 'run');
// The systemd supervisor's units (systemd-unit.ts unitName).
const OUR_UNIT = /\/kuma-dp-[^/]+\.service(\/|$)/m;

const inode = (path: string) =>
  stat(path).then(
    (s) => `${s.dev}:${s.ino}`,
    () => undefined,
  );

/** Every hand-started kuma-dp in the host's namespace: the outermost process of each (the wrapper, if any). */
export async function findHandStarted(o: HandStartedOptions): Promise<ProcInfo[]> {
  const want = await inode(o.netns === undefined ? '/proc/self/ns/net' : `/run/netns/${o.netns}`);
  if (want === undefined) return [];
  const matching = await liveProcesses((info) => runsKumaDp(info.argv));
  const pids = new Set(matching.map((p) => p.pid));
  const found: ProcInfo[] = [];
  for (const p of matching) {
    if (pids.has(p.ppid)) continue; // the kuma-dp under its runuser: the wrapper stands for both
    if ((await inode(`/proc/${p.pid}/ns/net`)) !== want) continue;
    if ((await stdoutTarget(p.pid))?.startsWith(`${o.stateDir}/`)) continue;
    const cgroup = await readFile(`/proc/${p.pid}/cgroup`, 'utf8').catch(() => '');
    if (OUR_UNIT.test(cgroup)) continue;
    found.push(p);
  }
  return found;
}

/** The one hand-started kuma-dp, or undefined; two or more is an error: which one is the host's is not ours to guess. */
export async function findOneHandStarted(o: HandStartedOptions): Promise<ProcInfo | undefined> {
  const found = await findHandStarted(o);
  if (found.length <= 1) return found[0];
  throw new KumaGitopsError(
    'supervisor.hand-started-several',
    `${found.length} kuma-dp processes started outside kuma-gitops run in ${o.netns ? `namespace ${o.netns}` : "this host's network namespace"} (pids ${found.map((p) => p.pid).join(', ')}): stop all but the host's own, then run again; nothing was changed`,
    { pids: found.map((p) => p.pid) },
  );
}

/**
 * Ends a hand-started kuma-dp and what it started: SIGTERM to kuma-dp itself (not its runuser, which would SIGKILL
 * it two seconds later and cut its drain short), then SIGKILL to whatever of the tree is left after `timeoutMs`.
 */
export async function stopHandStarted(leader: ProcInfo, timeoutMs: number): Promise<void> {
  const tree = await descendants(leader);
  const main = tree.find((p) => p !== leader && runsKumaDp(p.argv) && !isForkingWrapper(p.argv)) ?? leader;
  signal(main.pid, 'SIGTERM');
  const alive = async (ps: ProcInfo[]) => {
    const now = await Promise.all(ps.map((p) => readProc(p.pid)));
    return ps.filter((p, n) => isLive(now[n]) && now[n]!.startTime === p.startTime);
  };
  await waitFor(async () => (await alive([main])).length === 0, timeoutMs);
  for (const p of await alive(tree)) signal(p.pid, 'SIGKILL');
  if (!(await waitFor(async () => (await alive(tree)).length === 0, 5_000))) {
    throw new KumaGitopsError(
      'supervisor.stop-failed',
      `the hand-started kuma-dp (pid ${leader.pid}) survived SIGKILL: check for processes stuck in the kernel (state D) and stop them by hand`,
      { pid: leader.pid },
    );
  }
}

async function descendants(root: ProcInfo): Promise<ProcInfo[]> {
  const all = [root];
  for (let i = 0; i < all.length && all.length < 256; i++) all.push(...(await childrenOf(all[i]!.pid)));
  return all;
}

/**
 * The host's supervisor, seeing a hand-started kuma-dp as the running one while it has none of its own; a restart
 * (or stop) ends the hand-started one first, so two kuma-dps never compete for the redirect ports.
 */
export function withHandStarted(inner: Supervisor, o: HandStartedOptions & { stopTimeoutMs: number }): Supervisor {
  const hand = async () => ((await inner.status()) === undefined ? findOneHandStarted(o) : undefined);
  const stopHand = async (timeoutMs: number) => {
    const found = await hand();
    if (found) await stopHandStarted(found, timeoutMs);
  };
  return {
    kind: inner.kind,
    async status() {
      const own = await inner.status();
      if (own) return own;
      const found = await findOneHandStarted(o);
      return found && { pid: found.pid, byHand: true };
    },
    async start(argv, env) {
      await stopHand(o.stopTimeoutMs);
      return inner.start(argv, env);
    },
    async stop(options) {
      await stopHand(options.timeoutMs);
      await inner.stop(options);
    },
    async restart(argv, env, options) {
      await stopHand(options?.timeoutMs ?? o.stopTimeoutMs);
      return inner.restart(argv, env, options);
    },
    logExcerpt: () => inner.logExcerpt(),
  };
}
