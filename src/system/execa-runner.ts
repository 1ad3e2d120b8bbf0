import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import { CommandFailedError, CommandNotFoundError } from './command-errors.js';
import type { CommandResult, CommandRunner, RunOptions } from './command-runner.js';
import { ROOT_PATH } from './fixed-path.js';

/**
 * The CommandRunner on execa: argument arrays only (no shell), a minimal environment so the host's locale and
 * aliases cannot change what tools print, and `ip netns exec NS` in front when a namespace is configured.
 */
export interface CommandRunnerOptions {
  /** Run commands inside this network namespace (`ip netns exec`), except those with `inNetns: false`. */
  netns?: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const BASE_ENV = { PATH: ROOT_PATH, LANG: 'C' } as const;
const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
// `ip netns exec NS prog` reports a missing program itself (exit code 1 with iproute2 6.1).
const NETNS_EXEC_ENOENT = /^exec of "(.*)" failed: No such file or directory$/m;

// execa costs ~0.1 s at import: load it on the first command, not at CLI start-up.
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => {
  execaModule ??= import('execa');
  return execaModule;
};

export function createCommandRunner(options: CommandRunnerOptions = {}): CommandRunner {
  const { netns } = options;
  if (netns !== undefined && !NETNS_NAME.test(netns)) {
    throw new KumaGitopsError(
      'command.netns-invalid',
      `network namespace name ${JSON.stringify(netns)} is not valid: use letters, digits, '.', '_' and '-'`,
      { netns },
    );
  }
  return {
    netns,
    run: (argv, runOptions = {}) => runCommand(argv, runOptions, runOptions.inNetns === false ? undefined : netns),
    executableFile,
  };
}

/** Where BASE_ENV's PATH finds `program` (the namespace does not change the file system), symlinks resolved. */
async function executableFile(program: string): Promise<string | undefined> {
  if (program.includes('/')) return realpath(program).catch(() => undefined);
  for (const dir of BASE_ENV.PATH.split(':')) {
    const file = await realpath(join(dir, program)).catch(() => undefined);
    if (file !== undefined) return file;
  }
  return undefined;
}

async function runCommand(
  argv: readonly string[],
  options: RunOptions,
  netns: string | undefined,
): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (program === undefined || program === '') {
    throw new KumaGitopsError('command.empty', 'cannot run an empty command: this is a bug in the caller', {});
  }
  const full = netns === undefined ? [program, ...args] : ['ip', 'netns', 'exec', netns, program, ...args];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { execa } = await loadExeca();
  const result = await execa(full[0]!, full.slice(1), {
    env: { ...BASE_ENV, ...options.env },
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: 2_000,
    stripFinalNewline: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const spawnCode = (result as { code?: string }).code;
  if (spawnCode === 'ENOENT' && !result.timedOut) throw new CommandNotFoundError(full, undefined);
  const missingInNetns = netns !== undefined && result.exitCode !== 0 ? NETNS_EXEC_ENOENT.exec(stderr) : null;
  if (missingInNetns?.[1] === program) throw new CommandNotFoundError(argv, netns);

  const failure = {
    argv: [...argv],
    exitCode: result.exitCode,
    stderr,
    timedOut: result.timedOut,
    netns,
    signal: result.signal,
    spawnError: result.timedOut ? undefined : spawnCode,
  };
  if (result.timedOut || result.exitCode === undefined) throw new CommandFailedError(failure, timeoutMs);
  if (result.exitCode !== 0 && options.allowFailure !== true) throw new CommandFailedError(failure, timeoutMs);
  return { stdout, stderr, exitCode: result.exitCode };
}
