import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get, readTcp, runToExit, sharedFixture, start, until } from './harness.js';

const f = sharedFixture();

/** Replaces the guide's `--dataplane-var=<key>=...` with the given value. */
const withVar = (args: string[], key: string, value: string) =>
  args.map((a) => (a.startsWith(`--dataplane-var=${key}=`) ? `--dataplane-var=${key}=${value}` : a));

describe('stand-in kuma-dp: refuses like kuma-dp, before anything listens', () => {
  it.each([
    [['--bogus'], 'unknown flag: --bogus'],
    [['--bogus=1'], 'unknown flag: --bogus'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['--cp-address'], 'flag needs an argument: --cp-address'],
    [
      ['--dns-enabled=maybe'],
      'invalid argument "maybe" for "--dns-enabled" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['--concurrency', '-1'],
      'invalid argument "-1" for "--concurrency" flag: strconv.ParseUint: parsing "-1": invalid syntax',
    ],
    [['--drain-time=30'], 'invalid argument "30" for "--drain-time" flag: time: missing unit in duration "30"'],
    [['-v', 'nokey'], 'invalid argument "nokey" for "-v, --dataplane-var" flag: nokey must be formatted as key=value'],
  ])('%j -> exit 1 with cobra error', async (extra, message) => {
    const r = await runToExit([...f.guideArgs, ...extra], f.env);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
  });

  it('rejects an unknown command', async () => {
    const r = await runToExit(['start'], f.env);
    expect([r.code, r.stderr]).toEqual([1, 'Error: unknown command "start" for "kuma-dp"\n']);
  });

  it('rejects a rendered Dataplane the validator rejects, with its message, and binds nothing', async () => {
    const r = await runToExit(withVar(f.guideArgs, 'port', 'eighty'), f.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: invalid Dataplane:\n');
    expect(r.stderr).toContain(
      `error: ${f.templateFile} (rendered Dataplane):7 networking.inbound[0].port: invalid value for uint32 type: "eighty" [dataplane.spec.type]`,
    );
    expect(r.stdout).toContain('    - port: eighty\\n');
    expect(r.stdout).not.toContain('\tlistening\t');
  });

  it('rejects a Dataplane whose name var is empty', async () => {
    const r = await runToExit(withVar(f.guideArgs, 'name', ''), f.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.templateFile} (rendered Dataplane):3 name: cannot be empty [dataplane.meta.name]`);
  });

  it.each([['--name=web-1'], ['--mesh=default']])('rejects %s together with a template', async (flag) => {
    const r = await runToExit([...f.guideArgs, flag], f.env);
    expect([r.code, r.stderr]).toEqual([
      1,
      'Error: --name and --mesh cannot be specified when a dataplane definition is provided, mesh and name will be read from the dataplane definition\n',
    ]);
  });

  it('rejects KUMA_DATAPLANE_NAME together with a template: env counts like the flag', async () => {
    const r = await runToExit(f.guideArgs, { ...f.env, KUMA_DATAPLANE_NAME: 'web-1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--name and --mesh cannot be specified');
  });

  it('rejects a missing or empty token file, naming the file but never a token', async () => {
    const missing = join(f.dir, 'no-such-token');
    const r = await runToExit(
      f.guideArgs.map((a) => (a.startsWith('--dataplane-token-file=') ? `--dataplane-token-file=${missing}` : a)),
      f.env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: dataplane token is invalid, in Kubernetes you must mount a serviceAccount token, in universal you must start your proxy with a generated token.: could not read file ${missing}: open ${missing}: no such file or directory\n`,
    );
    const empty = join(f.dir, 'empty-token');
    await writeFile(empty, '');
    const e = await runToExit(f.guideArgs, { ...f.env, KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: empty });
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`token under file ${empty} is empty`);
  });

  it.each([
    [{ KUMA_READINESS_PORT: '0' }, 'KUMA_READINESS_PORT must be in the range 1..65535, got 0'],
    [{ KUMA_READINESS_PORT: 'x' }, "envconfig: assigning KUMA_READINESS_PORT: converting 'x'"],
    [{ KUMA_DNS_ENABLED: 'yes' }, 'strconv.ParseBool: parsing "yes": invalid syntax'],
    [{ KUMA_DATAPLANE_PROXY_TYPE: 'gateway' }, 'invalid proxy type "gateway"'],
  ])('rejects bad env %j', async (env, message) => {
    const r = await runToExit(f.guideArgs, { ...f.env, ...env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('exits 1 when a port it must listen on is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(f.outbound, '127.0.0.1', resolve));
    try {
      const r = await runToExit(f.guideArgs, f.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`Error: outbound: cannot listen on tcp 127\\.0\\.0\\.1 port ${f.outbound}: .*EADDRINUSE`),
      );
    } finally {
      taken.close();
    }
  });
});

describe('stand-in kuma-dp: failure switches', () => {
  const fast = () => ({ ...f.env, KUMA_STANDIN_READY_AFTER_MS: '50', KUMA_STANDIN_DRAIN_MS: '50' });

  it('KUMA_STANDIN_EXIT_AT_START exits with that code right after parsing the flags', async () => {
    const r = await runToExit(f.guideArgs, { ...fast(), KUMA_STANDIN_EXIT_AT_START: '7' });
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('\tflags parsed\t');
    expect(r.stdout).not.toContain('\trendered resource\t');
  });

  it('KUMA_STANDIN_NEVER_READY=1 binds everything but stays 503 NOT_READY', async () => {
    const dp = start(f.guideArgs, { ...fast(), KUMA_STANDIN_NEVER_READY: '1' });
    await dp.waitForEvent('never ready');
    expect(await readTcp(f.inbound)).toMatch(/^kuma-dp-standin port=/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await get(f.readiness)).toMatchObject({ status: 503, body: 'NOT_READY' });
    dp.child.kill('SIGTERM');
    expect((await dp.exited).code).toBe(0);
  });

  it('KUMA_STANDIN_CRASH_AFTER_S exits 1 after that time, even when ready', async () => {
    const started = Date.now();
    const dp = start(f.guideArgs, { ...fast(), KUMA_STANDIN_CRASH_AFTER_S: '0.7' });
    await until(async () => ((await get(f.readiness))?.status === 200 ? true : undefined), 3000, 'ready');
    expect(await dp.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(dp.stderr()).toBe('Error: crashed after 0.7s (KUMA_STANDIN_CRASH_AFTER_S)\n');
    expect(await get(f.readiness)).toBeUndefined();
  });

  it('KUMA_STANDIN_NEVER_READY_IF_VAR fails only the revision whose var matches', async () => {
    const env = { ...fast(), KUMA_STANDIN_NEVER_READY_IF_VAR: 'port=8081' };
    const bad = start(withVar(f.guideArgs, 'port', '8081'), env);
    await bad.waitForEvent('never ready');
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(f.readiness))?.status).toBe(503);
    bad.child.kill('SIGTERM');
    await bad.exited;
    const good = start(f.guideArgs, env);
    await good.waitForEvent('ready');
    expect((await get(f.readiness))?.status).toBe(200);
    good.child.kill('SIGTERM');
    expect((await good.exited).code).toBe(0);
  });
});
