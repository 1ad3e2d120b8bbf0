/**
 * The one door to processes on the host. Every command is an argument array (never a shell string); with a network
 * namespace configured, commands that touch the network run inside it (`ip netns exec NS ...`), which is how tests
 * and the demo keep this machine's own network untouched.
 */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Written to stdin. */
  input?: string;
  /** Kill the command after this long (default 30 s); a timeout is a CommandFailedError with `timedOut`. */
  timeoutMs?: number;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Run inside the configured network namespace (default true); false for host-wide commands such as useradd. */
  inNetns?: boolean;
  /** Extra environment (on top of a minimal PATH/LANG environment). */
  env?: Record<string, string>;
}

export interface CommandRunner {
  readonly netns: string | undefined;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** The file (symlinks resolved) that `run([program])` would execute, if the runner can tell; for caching. */
  executableFile?(program: string): Promise<string | undefined>;
}
