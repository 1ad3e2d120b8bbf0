import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupMembers } from '../../src/supervisor/proc-table.js';
import { createProcessSupervisor } from '../../src/supervisor/process-supervisor.js';
import { describeWithNetns } from '../support/netns.js';
import { alive, createTestUser, fakeDpArgv, listening, type TestUser, until } from './helpers.js';
import { supervisorFixture } from './process-fixture.js';

// The real thing: runuser as a throw-away user, `ip netns exec`, process groups, /proc. Each test gets its own
// namespace, so the fake kuma-dp can listen on 127.0.0.1:9902 without touching this machine's network.
await describeWithNetns('process supervisor: start, status, stop, restart', ['runuser', 'node'], (fresh) => {
  let user: TestUser;
  const fixture = supervisorFixture(() => fresh());
  beforeAll(async () => {
    user = await createTestUser();
  });
  afterAll(async () => {
    await fixture.cleanup();
    await user?.remove();
  });

  it('starts detached in the namespace as the user: pid alive, pidfile, log, status() finds it', async () => {
    const { sup, ns } = await fixture.make();
    const argv = fakeDpArgv(user, '--cp-address=https://192.0.2.1:5678');
    const { pid } = await sup.start(argv, {});
    expect(await alive(pid)).toBe(true);
    expect(await readFile(sup.paths.pidFile, 'utf8')).toBe(`${pid}\n`);
    expect(await sup.status()).toEqual({ pid });
    // The pid is runuser's (ip netns exec execs); kuma-dp is its child, in its own session and group.
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
    expect(cmdline).toEqual(argv);
    const members = await groupMembers(pid);
    expect(members.map((m) => m.session)).toEqual(members.map(() => pid));
    const dp = members.find((m) => m.ppid === pid)!;
    expect((await readFile(`/proc/${dp.pid}/status`, 'utf8')).match(/^Uid:\t(\d+)/m)?.[1]).toBe(String(user.uid));
    // In the namespace: its readiness port answers there.
    const log = await listening(sup.paths.logFile);
    expect(log).toMatch(/^# .* kuma-gitops starts: runuser -u kgtest-/);
    expect(log).toContain(`"uid":${user.uid}`);
    const { stdout } = await ns.exec('node', [
      '-e',
      'fetch("http://127.0.0.1:9902/ready").then((r) => console.log(r.status))',
    ]);
    expect(stdout.trim()).toBe('200');
  });

  it('stop() ends the whole group, left-behind children included, and removes the pidfile', async () => {
    const { sup } = await fixture.make();
    const { pid } = await sup.start(fakeDpArgv(user), { FAKE_CHILD: '1' });
    const members = await until(
      async () => {
        const m = await groupMembers(pid);
        return m.length === 3 ? m : undefined; // runuser, the fake, its sleep
      },
      5_000,
      'runuser, the fake and its child',
    );
    await sup.stop({ timeoutMs: 5_000 });
    for (const m of members) expect(await alive(m.pid), `pid ${m.pid} ${m.argv.join(' ')}`).toBe(false);
    expect(await groupMembers(pid)).toEqual([]);
    expect(await sup.status()).toBeUndefined();
    await expect(readFile(sup.paths.pidFile)).rejects.toThrow(/ENOENT/);
  });

  it('stop() lets kuma-dp drain past runuser’s 2 s kill: SIGTERM goes to kuma-dp, not to runuser', async () => {
    const { sup } = await fixture.make();
    await sup.start(fakeDpArgv(user), { FAKE_DRAIN_MS: '2500' });
    await listening(sup.paths.logFile);
    const t0 = Date.now();
    await sup.stop({ timeoutMs: 10_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_400);
    expect(await readFile(sup.paths.logFile, 'utf8')).toContain('fake-dp exiting');
  });

  it('stop() SIGKILLs the group after the timeout when kuma-dp ignores SIGTERM', async () => {
    const { sup } = await fixture.make();
    const { pid } = await sup.start(fakeDpArgv(user), { FAKE_IGNORE_TERM: '1' });
    await listening(sup.paths.logFile);
    const t0 = Date.now();
    await sup.stop({ timeoutMs: 500 });
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(await groupMembers(pid)).toEqual([]);
    expect(await readFile(sup.paths.logFile, 'utf8')).toContain('ignoring SIGTERM');
  });

  it('restart() gives a new pid running the new command; the old group is gone', async () => {
    const { sup } = await fixture.make();
    const first = await sup.start(fakeDpArgv(user, '--drain-time=1s'), {});
    const argv = fakeDpArgv(user, '--drain-time=2s');
    const second = await sup.restart(argv, {}, { timeoutMs: 5_000 });
    expect(second.pid).not.toBe(first.pid);
    expect(await groupMembers(first.pid)).toEqual([]);
    expect(await sup.status()).toEqual(second);
    expect((await readFile(`/proc/${second.pid}/cmdline`, 'utf8')).split('\0')).toContain('--drain-time=2s');
  });

  it('start() refuses a second kuma-dp while one runs', async () => {
    const { sup } = await fixture.make();
    const { pid } = await sup.start(fakeDpArgv(user), {});
    await expect(sup.start(fakeDpArgv(user), {})).rejects.toMatchObject({
      code: 'supervisor.already-running',
      message: expect.stringMatching(new RegExp(`already runs as pid ${pid}: restart it`)),
    });
  });

  it('runs a command without runuser too: SIGTERM then goes to the leader itself', async () => {
    const { sup } = await fixture.make();
    const argv = [process.execPath, user.tools.fakeDp, 'run'];
    const { pid } = await sup.start(argv, {});
    expect(await sup.status()).toEqual({ pid });
    await listening(sup.paths.logFile); // before that, node dies of SIGTERM without draining
    await sup.stop({ timeoutMs: 5_000 });
    expect(await readFile(sup.paths.logFile, 'utf8')).toContain('fake-dp exiting');
    expect(await alive(pid)).toBe(false);
  });

  it('reports a command that dies before it runs, with the log tail', async () => {
    const { dir } = await fixture.make();
    const sup = createProcessSupervisor({ host: 'h', stateDir: dir, netns: 'kgtest-does-not-exist' });
    const error = await sup.start(fakeDpArgv(user), {}).catch((e) => e);
    expect(error).toMatchObject({ code: 'supervisor.start-failed' });
    expect(error.message).toMatch(
      /kuma-dp of host h exited \(exit code 255\) before its command ran; its log is .*kuma-dp\.log, ending:\n {2}\| /,
    );
    expect(error.message).toMatch(/kgtest-does-not-exist/);
    expect(await sup.status()).toBeUndefined();
  });

  it('refuses a host name that would leave the state directory', async () => {
    const { dir } = await fixture.make();
    expect(() => createProcessSupervisor({ host: '../etc', stateDir: dir })).toThrow(
      expect.objectContaining({ code: 'supervisor.host-invalid' }),
    );
  });
});
