/**
 * Finding a kuma-dp started by hand (an adopted host) and stopping it, with real processes in a namespace of this
 * test's own: `... kuma-dp run ...` command lines (node sleeping), a wrapper with its child, one logging into
 * kuma-gitops's state directory (another host's supervised kuma-dp, never taken for a hand-started one), and two at
 * once, which is an error naming both. Nothing here touches a network.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findHandStarted, findOneHandStarted, stopHandStarted } from '../../src/supervisor/hand-started.js';
import { isLive, readProc } from '../../src/supervisor/proc-table.js';
import { until } from '../standin/harness.js';
import { describeWithNetns, type Netns } from '../support/netns.js';
import { isOfDeadRun, killProcessesWith } from '../support/world/processes.js';

const PREFIX = 'kgtest-hand-';
const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
const stateDir = join(dir, 'state');
const children: ChildProcess[] = [];
// SIGTERM ends it, as kuma-dp's drain would; argv: `node -e <script> /opt/kuma-dp run --cp-address=...`.
const SLEEPER = 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000);';
// The binary's path names this test's folder, so cleanup finds every process, the wrappers' children too.
const COMMAND = [process.execPath, '-e', SLEEPER, join(dir, 'kuma-dp'), 'run', '--cp-address=https://cp:5678'];

function startIn(ns: Netns, o: { stdout?: number; wrapped?: boolean } = {}): ChildProcess {
  const argv = o.wrapped ? ['sh', '-c', '"$@"; exit 0', 'sh', ...COMMAND] : COMMAND;
  const child = spawn('ip', ['netns', 'exec', ns.name, ...argv], { stdio: ['ignore', o.stdout ?? 'ignore', 'ignore'] });
  children.push(child);
  return child;
}
const found = (ns: Netns) => findHandStarted({ netns: ns.name, stateDir });
const alive = async (pid: number) => isLive(await readProc(pid));

// A killed run's sleepers outlive its namespace: found by its folder's name, which holds its pid.
beforeAll(async () => {
  for (const name of readdirSync(tmpdir()).filter((n) => isOfDeadRun(n, PREFIX))) {
    await killProcessesWith(join(tmpdir(), name));
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await killProcessesWith(dir);
  rmSync(dir, { recursive: true, force: true });
});

await describeWithNetns('a kuma-dp started by hand', ['nsenter'], (fresh) => {
  it('is found by its namespace: the wrapper for a wrapper and its child; never a supervised one', async () => {
    const ns = await fresh();
    mkdirSync(join(stateDir, 'other-host'), { recursive: true });
    startIn(ns, { stdout: openSync(join(stateDir, 'other-host', 'kuma-dp.log'), 'w') });
    const wrapper = startIn(ns, { wrapped: true });
    await until(async () => ((await found(ns)).length > 0 ? true : undefined), 20_000, 'the wrapper is found');
    expect((await found(ns)).map((p) => [p.pid, p.argv[0]])).toEqual([[wrapper.pid, 'sh']]);
    // Another namespace sees none of them.
    expect(await findHandStarted({ netns: (await fresh()).name, stateDir })).toEqual([]);
  });

  it('two at once are an error naming both pids; stopping one leaves the other', async () => {
    const ns = await fresh();
    const [a, b] = [startIn(ns), startIn(ns)];
    await until(async () => ((await found(ns)).length === 2 ? true : undefined), 20_000, 'both are found');
    await expect(findOneHandStarted({ netns: ns.name, stateDir })).rejects.toMatchObject({
      code: 'supervisor.hand-started-several',
      message: expect.stringContaining(`(pids ${[a.pid, b.pid].sort((x, y) => x! - y!).join(', ')})`),
    });
    const [first] = await found(ns);
    await stopHandStarted(first!, 20_000);
    expect(await alive(first!.pid)).toBe(false);
    expect((await found(ns)).length).toBe(1);
  });

  it('stopping a wrapped one ends the command (SIGTERM) and the wrapper with it', async () => {
    const ns = await fresh();
    startIn(ns, { wrapped: true });
    const [leader] = await until(
      async () => {
        const f = await found(ns);
        return f.length === 1 ? f : undefined;
      },
      20_000,
      'the wrapper is found',
    );
    await stopHandStarted(leader!, 20_000);
    expect(await alive(leader!.pid)).toBe(false);
    expect(await found(ns)).toEqual([]);
  });
});
