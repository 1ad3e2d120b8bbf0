import { KumaGitopsError } from '../errors.js';
import { formatCommand } from './shell-quote.js';

/**
 * Failures of the command adapter. Messages name the command as it could be pasted into a shell, what went wrong
 * and, when we know it, what to install; callers match on `code`, never on the text.
 */
export interface CommandFailure {
  argv: string[];
  exitCode: number | undefined;
  stderr: string;
  timedOut: boolean;
  /** The network namespace the command ran in, if any. */
  netns?: string | undefined;
  signal?: string | undefined;
  /** The spawn error (EACCES, ...) when the program could not be started at all. */
  spawnError?: string | undefined;
}

export class CommandFailedError extends KumaGitopsError {
  declare readonly data: CommandFailure & Record<string, unknown>;
  constructor(failure: CommandFailure, timeoutMs?: number) {
    super('command.failed', describeFailure(failure, timeoutMs), { ...failure });
    this.name = 'CommandFailedError';
  }
}

/** The program itself is missing (ENOENT from spawn, or `ip netns exec` could not exec it). */
export class CommandNotFoundError extends KumaGitopsError {
  constructor(argv: readonly string[], netns: string | undefined) {
    const program = argv[0] ?? '';
    const hint = installHint(program);
    super('command.not-found', `${program}: command not found${where(netns)}: ${hint}`, {
      argv: [...argv],
      program,
      netns,
      hint,
    });
    this.name = 'CommandNotFoundError';
  }
}

const where = (netns: string | undefined) => (netns === undefined ? '' : ` (in network namespace ${netns})`);

function describeFailure(f: CommandFailure, timeoutMs: number | undefined): string {
  const command = `${formatCommand(f.argv)}${where(f.netns)}`;
  if (f.timedOut) return `${command} timed out after ${timeoutMs ?? '?'} ms and was killed: check what it waits for`;
  const firstLine = f.stderr.split('\n').find((line) => line.trim() !== '');
  if (f.spawnError !== undefined) return `${command} could not be started: ${f.spawnError}`;
  const status = f.exitCode === undefined ? `was killed by ${f.signal ?? 'a signal'}` : `exited with ${f.exitCode}`;
  return `${command} ${status}${firstLine === undefined ? ' and printed nothing on stderr' : `: ${firstLine.trim()}`}`;
}

const PACKAGE_OF: ReadonlyArray<[RegExp, string]> = [
  [/^ip6?tables/, 'the iptables package'],
  [/^(ip|ss|nstat)$/, 'the iproute2 package'],
  [/^(runuser|nsenter|unshare|setpriv)$/, 'the util-linux package'],
  [/^(useradd|groupadd|usermod|userdel)$/, 'the passwd package'],
  [/^(systemctl|systemd-analyze)$/, 'systemd'],
  [/^(conntrack)$/, 'the conntrack package'],
  [/^(nft)$/, 'the nftables package'],
];

/** What to do about a missing program; unknown programs get a PATH hint. */
export function installHint(program: string): string {
  const base = program.split('/').pop() ?? program;
  const pkg = PACKAGE_OF.find(([pattern]) => pattern.test(base))?.[1];
  return pkg === undefined ? `install ${base} or put it on PATH` : `install ${pkg}`;
}
