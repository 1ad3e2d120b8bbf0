/**
 * A tiny CommandRunner for the tests: argument arrays through execFile, `ip netns exec NS` in front unless a command
 * asks for the host, and hooks to watch or break commands (to make one family fail deterministically).
 */
import { execFile } from 'node:child_process';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/command-runner.js';

export interface TestRunner extends CommandRunner {
  /** Every command as run, namespace prefix included. */
  calls: string[][];
}

export function netnsRunner(netns: string | undefined): TestRunner {
  const calls: string[][] = [];
  return {
    netns,
    calls,
    run: (argv, options = {}) => {
      const full =
        netns !== undefined && options.inNetns !== false ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv];
      calls.push(full);
      return exec(full, options);
    },
  };
}

function exec(argv: string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      argv[0]!,
      argv.slice(1),
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', ...options.env },
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string') return reject(error);
        const exitCode = error === null ? 0 : typeof code === 'number' ? code : -1;
        if (exitCode !== 0 && options.allowFailure !== true) {
          return reject(new Error(`${argv.join(' ')} exited with ${exitCode}: ${stderr.trim()}`));
        }
        resolve({ stdout, stderr, exitCode });
      },
    );
    // A command that does not read stdin may exit first; its exit status is what counts, not the EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** Commands for which `fail` returns a result get that result instead of running. */
export function withFault(
  runner: CommandRunner,
  fail: (
    argv: readonly string[],
    options: RunOptions,
  ) => Promise<CommandResult | undefined> | CommandResult | undefined,
): CommandRunner {
  return {
    netns: runner.netns,
    run: async (argv, options = {}) => (await fail(argv, options)) ?? runner.run(argv, options),
  };
}

/** A restore of `binary` on the host (not in a kgprove namespace): the commands the fault tests break. */
export const isHostRestore = (argv: readonly string[], binary: RegExp): boolean =>
  argv[0] !== 'ip' && binary.test(argv[0] ?? '');
