/**
 * The supervised process from /proc: argv, environment, and the uid of the process `runuser` runs (the one the
 * iptables owner match sees), on real processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnviron, readProcess } from '../../src/live/read-process.js';
import { childrenOf, parseStat, parseStatusUid } from '../../src/supervisor/proc-table.js';
import { stopChild } from './live-support.js';

const started: ChildProcess[] = [];
const extraPids: number[] = [];

function start(argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: 'ignore' });
  child.on('error', (error) => {
    throw error;
  });
  started.push(child);
  return child;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterEach(async () => {
  // Children (of runuser, of sh) are killed by pid: SIGKILL to their parent would leave them orphaned.
  for (const child of started)
    if (child.pid !== undefined) extraPids.push(...(await childrenOf(child.pid)).map((c) => c.pid));
  for (const pid of extraPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await Promise.all(started.splice(0).map(stopChild));
});

describe('parsing /proc', () => {
  it('splits environ on NUL at the first =', () => {
    expect(parseEnviron('A=1\0B=x=y\0EMPTY=\0junk\0')).toEqual({ A: '1', B: 'x=y', EMPTY: '' });
  });

  it('takes the real uid and the ppid after a command name with spaces and parentheses', () => {
    expect(parseStatusUid('Name:\tsleep\nUid:\t65534\t65534\t65534\t65534\nGid:\t65534\n')).toBe(65534);
    expect(parseStat('4242 (kuma dp (x)) S 4241 4242 1 0 -1').ppid).toBe(4241);
  });
});

describe('readProcess on real processes', () => {
  it.runIf(process.getuid?.() === 0 || process.env.CI === 'true')(
    'runuser -u nobody: argv and env of runuser, uid of its child',
    async () => {
      const child = start(['runuser', '-u', 'nobody', '--', 'sleep', '30'], {
        PATH: '/usr/sbin:/usr/bin:/bin',
        KUMA_READINESS_PORT: '9902',
      });
      const pid = child.pid!;
      const live = await until(
        () => readProcess(pid),
        (p) => p?.uid === 65534,
      );
      expect(live).toEqual({
        pid,
        argv: ['runuser', '-u', 'nobody', '--', 'sleep', '30'],
        env: { PATH: '/usr/sbin:/usr/bin:/bin', KUMA_READINESS_PORT: '9902' },
        uid: 65534,
      });
    },
  );

  it('a process that is not a wrapper: its own uid', async () => {
    const child = start(['sleep', '30'], { A: 'b', EMPTY_ARG_NEXT: '1' });
    const live = await until(
      () => readProcess(child.pid!),
      (p) => p?.argv[0] === 'sleep',
    );
    expect(live).toEqual({
      pid: child.pid,
      argv: ['sleep', '30'],
      env: { A: 'b', EMPTY_ARG_NEXT: '1' },
      uid: process.getuid?.(),
    });
  });

  it('keeps empty arguments', async () => {
    const child = start(['/bin/sh', '-c', 'sleep 30; :', '', 'x'], {});
    const live = await until(
      () => readProcess(child.pid!),
      (p) => p?.argv[0] === '/bin/sh',
    );
    expect(live?.argv).toEqual(['/bin/sh', '-c', 'sleep 30; :', '', 'x']);
    expect(live?.env).toEqual({});
  });

  it('a process that is gone is undefined', async () => {
    const child = start(['/bin/true'], {});
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await readProcess(child.pid!)).toBeUndefined();
    expect(await readProcess(2 ** 22 + 1)).toBeUndefined();
  });
});
