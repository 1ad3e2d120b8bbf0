/**
 * Throw-away network namespaces for tests that run real iptables. Names are `kgtest-<pid>-<rand>`, so a namespace
 * whose process is gone is a leftover of a killed run, while those of concurrent runs (other vitest workers,
 * other engineers) are left alone. Commands run through `ip netns exec` with argument arrays, never a shell.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isOfDeadRun } from './world/processes.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export interface Netns {
  name: string;
  /** Runs `cmd args…` inside the namespace, with `input` on stdin; rejects with stderr on a non-zero exit. */
  exec(cmd: string, args: string[], input?: string): Promise<CommandResult>;
}

const PREFIX = 'kgtest-';

export function run(cmd: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve({ stdout, stderr });
    });
    // A command that does not read stdin may exit first; its exit status is what counts, not the EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

async function listNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(PREFIX));
}

/** Deletes `kgtest-<pid>-*` namespaces whose creating process no longer exists. */
export async function removeLeftoverNetns(): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listNetns()) {
    if (!isOfDeadRun(name, PREFIX)) continue;
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

export async function createNetns(): Promise<Netns & { remove(): Promise<void> }> {
  const name = `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  await run('ip', ['netns', 'add', name]);
  return {
    name,
    exec: (cmd, args, input) => run('ip', ['netns', 'exec', name, cmd, ...args], input),
    remove: () => run('ip', ['netns', 'del', name]).then(() => undefined),
  };
}

/** Why namespaces cannot be used here, or undefined when they can (root, `ip netns`, the given commands). */
export async function netnsUnavailableReason(commands: string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  let probe: Awaited<ReturnType<typeof createNetns>> | undefined;
  try {
    probe = await createNetns();
    for (const cmd of commands) await probe.exec(cmd, ['--version']);
    return undefined;
  } catch (error) {
    return `network namespace or command unavailable: ${(error as Error).message}`;
  } finally {
    await probe?.remove().catch(() => undefined);
  }
}

/**
 * Declares a describe block whose tests get fresh namespaces from `fresh()`, all deleted in afterAll. Without root
 * or namespaces the block is skipped with its reason, except in CI (CI=true), where that is a failure.
 * Await it at the top level of the test file: the probe runs before the tests are collected.
 */
export async function describeWithNetns(
  title: string,
  commands: string[],
  body: (fresh: () => Promise<Netns>) => void,
): Promise<void> {
  const why = await netnsUnavailableReason(commands);
  describe(title, () => {
    if (why !== undefined) {
      if (process.env.CI === 'true') {
        it('has root, network namespaces and iptables', () => {
          throw new Error(`CI must run the real-iptables tests, but: ${why}`);
        });
      } else {
        console.warn(`[netns] ${title}: skipped: ${why}`);
        it.skip(`skipped: ${why}`, () => undefined);
      }
      return;
    }
    const created: Array<Awaited<ReturnType<typeof createNetns>>> = [];
    beforeAll(async () => {
      await removeLeftoverNetns();
    });
    afterAll(async () => {
      await Promise.all(created.map((ns) => ns.remove().catch(() => undefined)));
    });
    body(async () => {
      const ns = await createNetns();
      created.push(ns);
      return ns;
    });
  });
}
