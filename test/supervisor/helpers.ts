/**
 * Shared pieces of the supervisor tests: a throw-away system user, the fake kuma-dp, /proc look-ups and a recording
 * CommandRunner (only for systemd, which cannot run here).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveProcesses, procUid } from '../../src/supervisor/proc-table.js';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/command-runner.js';
import { until } from '../standin/harness.js';
import { run } from '../support/netns.js';
import { placeSandboxTools, type SandboxTools } from '../support/sandbox-tools.js';

export { until };

// The guide's command for example-server, as src/render/kuma-dp-command.ts builds it.
export const GUIDE_ARGV = [
  'runuser',
  '-u',
  'kuma-dp',
  '--',
  '/usr/local/bin/kuma-dp',
  'run',
  '--cp-address=https://kuma-cp.example.com:5678',
  '--dataplane-token-file=/etc/kuma/example-server-token',
  '--dataplane-file=/etc/kuma/example-server-dataplane.yaml',
  '--dataplane-var=name=example-server-dataplane',
  '--dataplane-var=address=192.0.2.10',
  '--dataplane-var=port=8080',
  '--binary-path=/usr/local/bin/envoy',
  '--dns-coredns-path=/usr/local/bin/coredns',
];
export const GUIDE_ENV = { KUMA_READINESS_PORT: '9910', KUMA_DATAPLANE_RUNTIME_STRICT_INBOUND_PORTS_ENABLED: 'false' };

export interface TestUser {
  name: string;
  uid: number;
  /** Copies of the stand-ins this user runs (never the checkout, which it may not be able to enter). */
  tools: SandboxTools;
  remove(): Promise<void>;
}

export async function createTestUser(): Promise<TestUser> {
  const name = `kgtest-${randomBytes(4).toString('hex')}`;
  // Named like the e2e worlds' temp dirs, so that a killed run's copy goes with their leftovers.
  const dir = mkdtempSync(join(tmpdir(), `kgtest-e2e-${process.pid}-${name}-`));
  chmodSync(dir, 0o755);
  const tools = placeSandboxTools(dir);
  await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const uid = Number((await run('id', ['-u', name])).stdout.trim());
  const remove = async () => {
    await removeTestUser(name, uid);
    rmSync(dir, { recursive: true, force: true });
  };
  return { name, uid, tools, remove };
}

/** Kills (by pid) whatever a failed test left running as the user, then removes it: userdel refuses a busy user. */
async function removeTestUser(name: string, uid: number): Promise<void> {
  const mine = async () => {
    const pids = (await liveProcesses(() => true)).map((info) => info.pid);
    const uids = await Promise.all(pids.map(procUid));
    return pids.filter((_, i) => uids[i] === uid);
  };
  for (const pid of await mine()) process.kill(pid, 'SIGKILL');
  await until(async () => ((await mine()).length === 0 ? true : undefined), 5_000, `processes of ${name} to end`);
  await run('userdel', [name]);
}

/** The command the guide runs, with the user's copy of the fake in place of kuma-dp. */
export const fakeDpArgv = (user: TestUser, ...args: string[]): string[] => [
  'runuser',
  '-u',
  user.name,
  '--',
  process.execPath,
  user.tools.fakeDp,
  'run',
  ...args,
];

/** pid -> alive (not a zombie). */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** The log once the fake listens (its SIGTERM handler is installed by then). */
export const listening = (logFile: string): Promise<string> =>
  until(
    async () => {
      const text = await readFile(logFile, 'utf8');
      return text.includes('fake-dp listening') ? text : undefined;
    },
    5_000,
    `the fake kuma-dp to listen (${logFile})`,
  );

export interface RecordedCommand {
  argv: string[];
  options: RunOptions;
}

/** Records every command; `answer` gives the result (default: success, empty output). */
export function recordingRunner(
  answer: (argv: readonly string[]) => Partial<CommandResult> = () => ({}),
  netns?: string,
): CommandRunner & { commands: RecordedCommand[] } {
  const commands: RecordedCommand[] = [];
  return {
    netns,
    commands,
    async run(argv, options = {}) {
      commands.push({ argv: [...argv], options });
      return { stdout: '', stderr: '', exitCode: 0, ...answer(argv) };
    },
  };
}
