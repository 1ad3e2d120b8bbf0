import type { CommandSpec, ParsedArgs } from './args.js';

/** Where a command writes; tests pass buffers, the CLI passes process streams. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input; absent where there is none (commands then reject `-`). */
  readStdin?: () => Promise<string>;
}

export interface Command {
  spec: CommandSpec;
  /** Returns the exit code. Throws KumaGitopsError for failures the user must fix (exit 1). */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
  /** A command with subcommands (`tproxy rules`): the first argument, when it names one, picks what runs. */
  subcommands?: Record<string, () => Promise<Command>>;
}
