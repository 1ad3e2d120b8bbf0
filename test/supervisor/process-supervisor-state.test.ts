import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupMembers, readProc } from '../../src/supervisor/proc-table.js';
import { describeWithNetns } from '../support/netns.js';
import { alive, createTestUser, fakeDpArgv, listening, type TestUser, until } from './helpers.js';
import { readinessGate, supervisorFixture } from './process-fixture.js';

// What the supervisor must not be fooled by: stale or foreign pidfiles, an agent killed mid-start, a runuser killed
// under a live kuma-dp, and the agent's own environment.
await describeWithNetns(
  'process supervisor: pidfiles, orphans, environment, readiness',
  ['runuser', 'node'],
  (fresh) => {
    let user: TestUser;
    const fixture = supervisorFixture(() => fresh());
    const foreign: number[] = [];
    beforeAll(async () => {
      user = await createTestUser();
    });
    afterAll(async () => {
      for (const pid of foreign) process.kill(pid, 'SIGKILL');
      await fixture.cleanup();
      await user?.remove();
    });

    /** A process of its own group that is not ours (a `sleep`). */
    const foreignProcess = async () => {
      const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
      child.unref();
      foreign.push(child.pid!);
      return (await until(() => readProc(child.pid!), 2_000, 'sleep to start'))!;
    };

    it('status() is undefined for a pidfile naming a dead pid, a foreign process or a recycled pid', async () => {
      const { sup } = await fixture.make();
      const argv = fakeDpArgv(user);
      const writeRecord = async (pid: number, startTime: number) => {
        await writeFile(sup.paths.recordFile, JSON.stringify({ argv, pid, startTime }));
        await writeFile(sup.paths.pidFile, `${pid}\n`);
      };
      const started = await sup.start(argv, {});
      const info = (await readProc(started.pid))!;

      await writeRecord(info.pid, info.startTime + 1); // same pid and command, another start time: a recycled pid
      expect(await sup.status()).toBeUndefined();
      const other = await foreignProcess();
      await writeRecord(other.pid, other.startTime); // alive, but runs something else
      expect(await sup.status()).toBeUndefined();
      await writeRecord(2 ** 22 + 1, 1); // above pid_max: never alive
      expect(await sup.status()).toBeUndefined();

      // start() and stop() leave the foreign process alone.
      await writeRecord(other.pid, other.startTime);
      await writeRecord(info.pid, info.startTime); // put ours back so the fixture can stop it
      await sup.stop({ timeoutMs: 5_000 });
      await writeRecord(other.pid, other.startTime);
      const again = await sup.start(argv, {});
      expect(await sup.status()).toEqual(again);
      expect(await alive(other.pid)).toBe(true);
    });

    it('adopts the kuma-dp of an agent killed between spawn and pidfile instead of starting a second one', async () => {
      const { sup } = await fixture.make();
      const argv = fakeDpArgv(user);
      // The same command started for another state directory is not ours: its log file tells them apart.
      const other = await (await fixture.make()).sup.start(argv, {});
      const { pid } = await sup.start(argv, {});
      expect(pid).not.toBe(other.pid);
      // What writeStartIntent leaves before the pid is known.
      await rm(sup.paths.pidFile);
      await writeFile(sup.paths.recordFile, JSON.stringify({ argv }));
      expect(await sup.status()).toEqual({ pid });
      expect(await readFile(sup.paths.pidFile, 'utf8')).toBe(`${pid}\n`);
    });

    it('stop() ends a kuma-dp whose runuser was SIGKILLed, so a new start finds its ports free', async () => {
      const { sup } = await fixture.make();
      const argv = fakeDpArgv(user);
      const { pid } = await sup.start(argv, {});
      await listening(sup.paths.logFile);
      const dp = (await groupMembers(pid)).find((m) => m.ppid === pid)!;
      process.kill(pid, 'SIGKILL');
      await until(async () => ((await alive(pid)) ? undefined : true), 2_000, 'runuser to die');
      expect(await alive(dp.pid)).toBe(true);
      expect(await sup.status()).toBeUndefined();
      await sup.stop({ timeoutMs: 5_000 });
      expect(await alive(dp.pid)).toBe(false);
      const restarted = await sup.start(argv, {});
      const log = await until(
        async () => {
          const text = await readFile(sup.paths.logFile, 'utf8');
          return text.split('fake-dp listening').length === 3 ? text : undefined;
        },
        5_000,
        'the new fake to bind the readiness port',
      );
      expect(log).not.toMatch(/EADDRINUSE/);
      expect(await sup.status()).toEqual(restarted);
    });

    it('passes only the given environment over PATH and LANG: a KUMA_* var of the agent does not leak', async () => {
      const { sup } = await fixture.make();
      process.env.KUMA_FOO = 'leaked';
      try {
        const { pid } = await sup.start(fakeDpArgv(user), {
          KUMA_READINESS_PORT: '9911',
          KUMA_DNS_ENABLED: 'false',
        });
        const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean).sort();
        expect(environ).toEqual([
          'KUMA_DNS_ENABLED=false',
          'KUMA_READINESS_PORT=9911',
          'LANG=C',
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ]);
        const log = await listening(sup.paths.logFile);
        const keys = JSON.parse(/fake-dp starting (.*)/.exec(log)![1]!).env as string[];
        expect(keys).toContain('KUMA_READINESS_PORT');
        expect(keys).not.toContain('KUMA_FOO');
        expect(log).toContain('"port":9911');
      } finally {
        delete process.env.KUMA_FOO;
      }
    });

    it('the readiness gate waits for a real kuma-dp in the namespace, through the runner', async () => {
      const setup = await fixture.make();
      await setup.sup.start(fakeDpArgv(user), { FAKE_READY_AFTER_MS: '800' });
      const { probe, wait } = readinessGate(setup);
      const statuses: string[] = [];
      await wait({ timeoutMs: 10_000, onNotReady: ({ status }) => statuses.push(status) });
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.at(-1)).toMatch(/^GET http:\/\/127\.0\.0\.1:9902\/ready: (HTTP 503 NOT_READY|.*ECONNREFUSED)/);
      expect(await probe()).toEqual({ ready: true, status: 'GET http://127.0.0.1:9902/ready: HTTP 200 READY' });
    });

    it('the readiness gate gives up as soon as kuma-dp crashes, not after the timeout', async () => {
      const setup = await fixture.make();
      const { sup } = setup;
      await sup.start(fakeDpArgv(user), { FAKE_NEVER_READY: '1', FAKE_CRASH_AFTER_MS: '500' });
      const t0 = Date.now();
      const error = await readinessGate(setup)
        .wait({ timeoutMs: 30_000, subject: 'kuma-dp of host example-server' })
        .catch((e) => e);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(error).toMatchObject({
        code: 'kuma-dp.exited',
        // The crash can land before, during or after a request: refused, reset or 503 are all "not ready".
        data: { lastStatus: expect.stringMatching(/503 NOT_READY|ECONNREFUSED|ECONNRESET/) },
      });
      expect(error.message).toMatch(/^kuma-dp of host example-server exited after \d+ ms before it was ready/);
      expect(await readFile(sup.paths.logFile, 'utf8')).toContain('fake-dp crashing');
    });
  },
);
