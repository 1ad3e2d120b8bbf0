/**
 * The project's CommandRunner (execa, `ip netns exec NS` in front unless a command asks for the host), recording
 * every command, and hooks to watch or break commands (to make one family fail deterministically).
 */
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/command-runner.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';

export interface TestRunner extends CommandRunner {
  /** Every command as run, namespace prefix included. */
  calls: string[][];
}

export function netnsRunner(netns: string | undefined): TestRunner {
  const runner = createCommandRunner({ netns });
  const calls: string[][] = [];
  return {
    netns,
    calls,
    run: (argv, options = {}) => {
      calls.push(
        netns !== undefined && options.inNetns !== false ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv],
      );
      return runner.run(argv, options);
    },
  };
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
