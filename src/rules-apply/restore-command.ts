/**
 * Runs `*-save` and `*-restore --noflush` through the CommandRunner, on the host (the runner's namespace) or in a
 * throw-away namespace. A legacy restore that finds the xtables lock busy (after its own `--wait`) is tried again a
 * bounded number of times with p-retry, as kumactl retries restores (kumahq/kuma
 * pkg/transparentproxy/iptables/setup.go@v2.14.3 and config.go (Retry, Wait)); then `rules.lock-timeout`.
 */

import pRetry from 'p-retry';
import type { Family } from '../model/family.js';
import type { Logger } from '../model/log.js';
import type { CommandResult, CommandRunner } from '../system/command-runner.js';
import { type RulesBackend, restoreArgv, saveArgv, type WaitOptions } from './backend.js';
import { lockTimeout, type PayloadFault, RulesError } from './errors.js';
import { describeRestoreFailure, isLockBusy } from './restore-failure.js';

export interface RestoreOptions extends WaitOptions {
  /** Further attempts after the lock was found busy (default 3). */
  lockRetries?: number;
  /** Pause before the first of them in ms (default 1000), doubling each time. */
  lockRetryDelayMs?: number;
  logger?: Logger;
}

/** Where a command runs: the host (the runner's own namespace) or a named throw-away namespace. */
export interface Place {
  netns?: string;
}

/** iptables-restore refused the payload; nothing of that table section was applied. */
export class RestoreRefused extends Error {
  readonly fault: PayloadFault;
  readonly stderr: string;
  constructor(fault: PayloadFault, stderr: string) {
    super(`${fault.family} restore failed: ${fault.iptablesError}`);
    this.name = 'RestoreRefused';
    this.fault = fault;
    this.stderr = stderr;
  }
}

class LockBusy extends Error {
  constructor(readonly stderr: string) {
    super(stderr.trim());
    this.name = 'LockBusy';
  }
}

const TIMEOUT_MS = 60_000;

function commandAt(argv: string[], place: Place): { argv: string[]; inNetns: boolean } {
  return place.netns === undefined
    ? { argv, inNetns: true }
    : { argv: ['ip', 'netns', 'exec', place.netns, ...argv], inNetns: false };
}

// `ip netns exec NS prog` reports a missing program itself (exit code 1 with iproute2 6.1, 255 with others).
const NETNS_EXEC_ENOENT = /^exec of "(.*)" failed: No such file or directory$/m;

function missingTool(family: Family, argv: readonly string[], result: CommandResult): void {
  const program = result.exitCode !== 0 ? NETNS_EXEC_ENOENT.exec(result.stderr)?.[1] : undefined;
  if (program === undefined) return;
  throw new RulesError(
    'rules.tool-missing',
    `${family} rules: ${program}: command not found; nothing was changed; install the iptables package`,
    { family, program, argv: [...argv] },
  );
}

export async function readSave(
  runner: CommandRunner,
  backend: RulesBackend,
  family: Family,
  place: Place = {},
): Promise<string> {
  const { argv, inNetns } = commandAt(saveArgv(backend, family), place);
  const result = await runner.run(argv, { allowFailure: true, inNetns, timeoutMs: TIMEOUT_MS });
  missingTool(family, argv, result);
  if (result.exitCode !== 0) {
    throw new RulesError(
      'rules.read-failed',
      `${family} rules: ${argv.join(' ')} exited with ${result.exitCode}: ${result.stderr.trim() || 'no message'}; ` +
        'nothing was changed; check that the iptables package is installed and that we run as root',
      { family, argv, exitCode: result.exitCode, stderr: result.stderr },
    );
  }
  return result.stdout;
}

export async function runRestore(
  runner: CommandRunner,
  backend: RulesBackend,
  family: Family,
  payload: string,
  options: RestoreOptions = {},
  place: Place = {},
): Promise<void> {
  const { argv, inNetns } = commandAt(restoreArgv(backend, family, options), place);
  const attempt = async () => {
    const result = await runner.run(argv, { input: payload, allowFailure: true, inNetns, timeoutMs: TIMEOUT_MS });
    if (result.exitCode === 0) return;
    missingTool(family, argv, result);
    if (isLockBusy(result.stderr)) throw new LockBusy(result.stderr);
    throw new RestoreRefused(describeRestoreFailure(family, result.stderr, payload), result.stderr);
  };
  const retries = options.lockRetries ?? 3;
  try {
    await pRetry(attempt, {
      retries,
      minTimeout: options.lockRetryDelayMs ?? 1000,
      factor: 2,
      shouldRetry: ({ error }) => error instanceof LockBusy,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (!(error instanceof LockBusy) || retriesLeft === 0) return;
        options.logger?.warn(
          { family, attemptNumber, retriesLeft, stderr: error.stderr },
          `${family} rules: xtables lock is busy, trying again`,
        );
      },
    });
  } catch (error) {
    if (error instanceof LockBusy) throw lockTimeout(family, retries + 1, error.stderr);
    throw error;
  }
}
