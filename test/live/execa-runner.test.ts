/**
 * The command adapter on real processes: argument arrays, the minimal environment, stdin, typed failures (message,
 * exit code, first stderr line, timeout, missing program) and `ip netns exec` inside a namespace.
 */
import { readlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CommandFailedError, CommandNotFoundError, installHint } from '../../src/system/command-errors.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';

const host = createCommandRunner();

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to fail');
}

describe('execa runner on the host (no namespace)', () => {
  it('passes arguments as they are, never through a shell', async () => {
    const r = await host.run(['printf', '%s|', 'a b', '$HOME', "'q'", '*']);
    expect(r).toEqual({ stdout: "a b|$HOME|'q'|*|", stderr: '', exitCode: 0 });
  });

  it('runs with PATH and LANG only, plus the env given', async () => {
    const r = await host.run(['env'], { env: { KUMA_READINESS_PORT: '9902' } });
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toEqual({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', KUMA_READINESS_PORT: '9902' });
  });

  it('writes input to stdin and keeps output byte for byte', async () => {
    expect((await host.run(['cat'], { input: 'line 1\nline 2\n\n' })).stdout).toBe('line 1\nline 2\n\n');
  });

  it('does not hang on a command that reads stdin when no input is given', async () => {
    expect((await host.run(['cat'], { timeoutMs: 5_000 })).stdout).toBe('');
  });

  it('throws CommandFailedError naming the command, exit code and first stderr line', async () => {
    const error = await failure(
      host.run(['sh', '-c', 'echo out; echo; echo "first problem" >&2; echo second >&2; exit 3']),
    );
    expect(error).toBeInstanceOf(CommandFailedError);
    const e = error as CommandFailedError;
    expect(e.code).toBe('command.failed');
    expect(e.message).toBe(
      `sh -c 'echo out; echo; echo "first problem" >&2; echo second >&2; exit 3' exited with 3: first problem`,
    );
    expect(e.data).toMatchObject({ exitCode: 3, timedOut: false, stderr: 'first problem\nsecond\n' });
    expect(e.data.argv[0]).toBe('sh');
  });

  it('says when a failing command printed nothing on stderr', async () => {
    const e = (await failure(host.run(['false']))) as CommandFailedError;
    expect(e.message).toBe('false exited with 1 and printed nothing on stderr');
  });

  it('resolves with the exit code under allowFailure', async () => {
    const r = await host.run(['sh', '-c', 'echo x >&2; exit 4'], { allowFailure: true });
    expect(r).toEqual({ stdout: '', stderr: 'x\n', exitCode: 4 });
  });

  it('kills a command at its timeout and says so, even under allowFailure', async () => {
    const started = Date.now();
    const e = (await failure(host.run(['sleep', '20'], { timeoutMs: 300, allowFailure: true }))) as CommandFailedError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toBeInstanceOf(CommandFailedError);
    expect(e.data).toMatchObject({ timedOut: true, argv: ['sleep', '20'] });
    expect(e.message).toBe('sleep 20 timed out after 300 ms and was killed: check what it waits for');
  });

  it('reports a missing program as command.not-found with what to install', async () => {
    const e = (await failure(host.run(['iptables-nosuch-save']))) as CommandNotFoundError;
    expect(e).toBeInstanceOf(CommandNotFoundError);
    expect(e.code).toBe('command.not-found');
    expect(e.message).toBe('iptables-nosuch-save: command not found: install the iptables package');
  });

  it('reports a program that cannot be started with the spawn error', async () => {
    const e = (await failure(host.run(['/etc/passwd']))) as CommandFailedError;
    expect(e.code).toBe('command.failed');
    expect(e.message).toBe('/etc/passwd could not be started: EACCES');
  });

  it('knows the package of the commands the reconciler runs', () => {
    expect(installHint('/usr/sbin/ip6tables-legacy-restore')).toBe('install the iptables package');
    expect(installHint('ip')).toBe('install the iproute2 package');
    expect(installHint('runuser')).toBe('install the util-linux package');
    expect(installHint('kuma-dp')).toBe('install kuma-dp or put it on PATH');
  });

  it('refuses an empty command and a namespace name that is not one', async () => {
    await expect(host.run([])).rejects.toMatchObject({ code: 'command.empty' });
    expect(() => createCommandRunner({ netns: '../etc' })).toThrow(/network namespace name "..\/etc" is not valid/);
    expect(() => createCommandRunner({ netns: '-n' })).toThrow(
      expect.objectContaining({ code: 'command.netns-invalid' }),
    );
  });
});

await describeWithNetns('execa runner inside a network namespace', [], (fresh) => {
  it('runs commands inside the namespace, and host-wide ones outside with inNetns: false', async () => {
    const ns = await fresh();
    const runner = createCommandRunner({ netns: ns.name });
    expect(runner.netns).toBe(ns.name);
    const inside = (await runner.run(['readlink', '/proc/self/ns/net'])).stdout.trim();
    const outside = (await runner.run(['readlink', '/proc/self/ns/net'], { inNetns: false })).stdout.trim();
    expect(outside).toBe(await readlink('/proc/self/ns/net'));
    expect(inside).not.toBe(outside);
    expect((await runner.run(['ip', '-o', 'link', 'show'])).stdout).toMatch(/^1: lo: <LOOPBACK>/);
  });

  it('names the namespace in failures and reports a program missing there as not found', async () => {
    const ns = await fresh();
    const runner = createCommandRunner({ netns: ns.name });
    const failed = (await failure(runner.run(['sh', '-c', 'echo nope >&2; exit 2']))) as CommandFailedError;
    expect(failed.message).toBe(`sh -c 'echo nope >&2; exit 2' (in network namespace ${ns.name}) exited with 2: nope`);
    expect(failed.data.netns).toBe(ns.name);
    const missing = (await failure(runner.run(['iptables-nosuch']))) as CommandNotFoundError;
    expect(missing.code).toBe('command.not-found');
    expect(missing.message).toBe(
      `iptables-nosuch: command not found (in network namespace ${ns.name}): install the iptables package`,
    );
  });

  it('fails clearly when the namespace does not exist', async () => {
    const runner = createCommandRunner({ netns: 'kgtest-0-missing' });
    const e = (await failure(runner.run(['true']))) as CommandFailedError;
    expect(e.code).toBe('command.failed');
    expect(e.message).toMatch(
      /^true \(in network namespace kgtest-0-missing\) exited with 255: Cannot open network namespace/,
    );
  });
});
