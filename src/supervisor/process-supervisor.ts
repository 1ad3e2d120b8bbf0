import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { KumaGitopsError } from '../errors.js';
import { sameArgv } from '../model/kuma-dp-command.js';
import { rootExecutable } from '../system/fixed-path.js';
import { shellQuote } from '../system/shell-quote.js';
import { DEFAULT_DRAIN_MS, STOP_MARGIN_MS } from './drain-time.js';
import { readLogTail, withExcerpt } from './log-excerpt.js';
import {
  type PidPaths,
  pidPaths,
  readPidRecord,
  removePidRecord,
  writeStarted,
  writeStartIntent,
} from './pid-record.js';
import { childrenOf, readProc } from './proc-table.js';
import { findOrphanLeader, findRecorded, orphanedGroup, terminateGroup } from './process-group.js';
import { BASE_ENV, refuseUnsafeEnv, type StopOptions, type SupervisedProcess, type Supervisor } from './supervisor.js';

/**
 * kuma-dp as a detached process of its own (new session, so its own process group), started by the agent and
 * outliving it: stdout and stderr to `<stateDir>/<host>/kuma-dp.log`, pid in `<stateDir>/<host>/kuma-dp.pid`.
 * In a network namespace it runs as `ip netns exec NS <argv...>`, which execs: the recorded pid is then runuser's.
 * Spawned with node's spawn rather than through the CommandRunner: that one runs commands to completion, this is a
 * daemon (still an argument array, never a shell).
 */
export interface ProcessSupervisorOptions {
  host: string;
  /** Default /var/lib/kuma-gitops in the CLI; per host files go to `<stateDir>/<host>/`. */
  stateDir: string;
  /** The CommandRunner's network namespace, if any. */
  netns?: string | undefined;
  /** restart()'s stop timeout when none is given (default 45 s: kuma-dp's default drain time plus a margin). */
  stopTimeoutMs?: number;
  /** How long start() waits for the command to appear in /proc (default 5 s). */
  execTimeoutMs?: number;
}

export function createProcessSupervisor(options: ProcessSupervisorOptions): Supervisor & { readonly paths: PidPaths } {
  const paths = pidPaths(options.stateDir, options.host);
  const defaultStop = { timeoutMs: options.stopTimeoutMs ?? DEFAULT_DRAIN_MS + STOP_MARGIN_MS };
  const subject = `kuma-dp of host ${options.host}`;

  /** Ours and alive; adopts a process whose start was recorded as an intent only (agent killed mid-start). */
  async function current(): Promise<SupervisedProcess | undefined> {
    const record = await readPidRecord(paths);
    if (record === undefined) return undefined;
    if (record.started !== undefined) {
      const { pid, startTime } = record.started;
      return (await findRecorded(pid, startTime, record.argv)) === undefined ? undefined : { pid };
    }
    const orphan = await findOrphanLeader(record.argv, paths.logFile);
    if (orphan === undefined) return undefined;
    await writeStarted(paths, record.argv, orphan.pid, orphan.startTime);
    return { pid: orphan.pid };
  }

  async function stop({ timeoutMs }: StopOptions): Promise<void> {
    const running = await current();
    if (running !== undefined) await terminateGroup(running.pid, timeoutMs);
    else {
      // The leader died but its children may not have (runuser SIGKILLed): they still hold kuma-dp's ports.
      const record = await readPidRecord(paths);
      if (record?.started !== undefined && (await orphanedGroup(record.started.pid, record.argv)).length > 0) {
        await terminateGroup(record.started.pid, timeoutMs);
      }
    }
    await removePidRecord(paths);
  }

  async function start(argv: readonly string[], env: Readonly<Record<string, string>>) {
    if (argv.length === 0 || argv[0] === '') {
      throw new KumaGitopsError('supervisor.argv-empty', `${subject}: cannot start an empty command: this is a bug`);
    }
    refuseUnsafeEnv(subject, env);
    const running = await current();
    if (running !== undefined) {
      throw new KumaGitopsError(
        'supervisor.already-running',
        `${subject} already runs as pid ${running.pid}: restart it instead of starting a second one`,
        { host: options.host, pid: running.pid },
      );
    }
    await stop(defaultStop); // leftovers of a dead leader, and the old record
    await writeStartIntent(paths, argv);
    let pid: number | undefined;
    try {
      const child = await spawnDetached(argv, env);
      pid = child.pid;
      const execTimeoutMs = options.execTimeoutMs ?? 5_000;
      const info = await waitForExec(child.pid, argv, execTimeoutMs);
      if (info === undefined) throw await startFailed(child.pid, await child.exited);
      // runuser forks kuma-dp: until it has, nothing of kuma-dp can be read (its uid, argv or environment). One
      // that ends at once is for the readiness gate to report, as before.
      if (argv[0]?.endsWith('runuser')) await waitForChild(child.pid, execTimeoutMs);
      await writeStarted(paths, [...argv], child.pid, info.startTime);
      return { pid: child.pid };
    } catch (error) {
      // Nothing half-started stays behind untracked.
      if (pid !== undefined) await terminateGroup(pid, 0).catch(() => undefined);
      await removePidRecord(paths);
      throw error;
    }
  }

  async function startFailed(pid: number, status: string): Promise<KumaGitopsError> {
    const lines = await readLogTail(paths.logFile);
    return new KumaGitopsError(
      'supervisor.start-failed',
      withExcerpt(`${subject} exited (${status}) before its command ran`, { where: paths.logFile, lines }),
      { host: options.host, pid, status, logFile: paths.logFile, logTail: lines },
    );
  }

  async function spawnDetached(argv: readonly string[], env: Readonly<Record<string, string>>) {
    const full = options.netns === undefined ? [...argv] : ['ip', 'netns', 'exec', options.netns, ...argv];
    const log = await open(paths.logFile, 'a', 0o640);
    try {
      await log.write(`# ${new Date().toISOString()} kuma-gitops starts: ${argv.map(shellQuote).join(' ')}\n`);
      // Root runs the first program from its fixed PATH, never the caller's; argv0 keeps the name /proc shows, which
      // status() compares with the recorded command. PATH itself cannot come from `env` (refuseUnsafeEnv).
      const file = rootExecutable(full[0]!) ?? full[0]!;
      const child = spawn(file, full.slice(1), {
        argv0: full[0]!,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { ...BASE_ENV, ...env },
      });
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, sig) => resolve(sig === null ? `exit code ${code}` : `signal ${sig}`)),
      );
      await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject)).catch((e) => {
        throw new KumaGitopsError('supervisor.spawn-failed', `${subject}: cannot run ${full[0]}: ${e.message}`, {
          host: options.host,
          argv: full,
        });
      });
      child.unref(); // the agent may exit; kuma-dp stays
      return { pid: child.pid!, exited };
    } finally {
      await log.close();
    }
  }

  return {
    kind: 'process',
    paths,
    status: current,
    start,
    stop,
    logExcerpt: async () => ({ where: paths.logFile, lines: await readLogTail(paths.logFile) }),
    async restart(argv, env, stopOptions) {
      await stop(stopOptions ?? defaultStop);
      return start(argv, env);
    },
  };
}

/**
 * Until `ip netns exec` has exec'd the command (before that /proc shows `ip ...` and status() would not match);
 * undefined when the process exited first.
 */
/** Returns once `pid` has a live child, or has ended itself. */
async function waitForChild(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await childrenOf(pid)).length > 0) return;
    const info = await readProc(pid);
    if (info === undefined || info.state === 'Z') return;
    if (Date.now() >= deadline) {
      throw new KumaGitopsError(
        'supervisor.exec-timeout',
        `runuser (pid ${pid}) has not started kuma-dp after ${timeoutMs} ms: see \`runuser\` and PAM in the host's logs`,
        { pid },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForExec(pid: number, argv: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await readProc(pid);
    if (info === undefined || info.state === 'Z') return undefined;
    if (sameArgv(info.argv, argv)) return info;
    if (Date.now() >= deadline) {
      throw new KumaGitopsError(
        'supervisor.exec-timeout',
        `pid ${pid} still runs ${JSON.stringify(info.argv.slice(0, 5))} after ${timeoutMs} ms instead of the kuma-dp ` +
          'command: check that `ip netns exec` works on this host',
        { pid, argv: info.argv },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
