import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../supervisor/helpers.js';
import { describeWithNetns, type Netns } from '../support/netns.js';
import { placeSandboxTools, type SandboxTools } from '../support/sandbox-tools.js';
import { guideTemplate, killAll, type Running, start, TOKEN, until } from './harness.js';

// As the guide runs it: `runuser -u <kuma-dp user> -- kuma-dp run ...`, here in a namespace so the default ports
// (9902, 15006, 15001, 15053) and wildcard listeners are safe.
await describeWithNetns('stand-in kuma-dp as another user, in a network namespace', ['runuser', 'node'], (fresh) => {
  let user: TestUser;
  let dir: string;
  let ns: Netns;
  let args: string[];
  let tools: SandboxTools;

  beforeAll(async () => {
    user = await createTestUser();
    dir = await mkdtemp(join(tmpdir(), 'kgtest-standin-user-'));
    await chmod(dir, 0o755); // mkdtemp makes it 0700: the user must reach the files
    tools = placeSandboxTools(dir); // and the stand-in: the checkout may be where it cannot enter
    await writeFile(join(dir, 'token'), TOKEN, { mode: 0o644 });
    await writeFile(join(dir, 'root-only-token'), TOKEN, { mode: 0o600 });
    await writeFile(join(dir, 'dataplane.yaml'), guideTemplate(15006, 15001), { mode: 0o644 });
    args = [
      'run',
      '--cp-address=https://192.0.2.1:5678',
      `--dataplane-token-file=${join(dir, 'token')}`,
      `--dataplane-file=${join(dir, 'dataplane.yaml')}`,
      '--dataplane-var=name=example-server-dataplane',
      '--dataplane-var=address=10.77.0.1',
      '--dataplane-var=port=8080',
    ];
    ns = await fresh();
    for (const cmd of [
      ['link', 'set', 'lo', 'up'],
      // Addresses other than 127.0.0.1/::1 (on lo: no dummy or veth module needed) show the wildcard binding.
      ['addr', 'add', '10.77.0.1/32', 'dev', 'lo'],
      ['addr', 'add', 'fd77::1/128', 'dev', 'lo'],
    ]) {
      await ns.exec('ip', cmd);
    }
  });
  afterAll(async () => {
    killAll();
    await user?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const asUser = (argv: string[], env: Record<string, string> = {}): Running =>
    start(argv, { KUMA_STANDIN_READY_AFTER_MS: '0', KUMA_STANDIN_DRAIN_MS: '100', ...env }, [
      'ip',
      'netns',
      'exec',
      ns.name,
      'runuser',
      '-u',
      user.name,
      '--',
      tools.kumaDp,
    ]);
  const probe = async (...probeArgs: string[]) => {
    const r = await ns
      .exec('runuser', ['-u', user.name, '--', 'node', tools.probe, ...probeArgs])
      .catch((e: Error) => e);
    return r instanceof Error ? { ok: false, error: r.message } : JSON.parse(r.stdout);
  };

  it('runs with the defaults: readiness 9902, redirect ports on every address, DNS on 15053', async () => {
    const dp = asUser(args);
    await dp.waitForEvent('ready');
    const starting = dp.events().find((e) => e.event === 'starting')!;
    expect(starting.details.uid).toBe(user.uid);

    expect(await probe('http', '127.0.0.1', '9902')).toMatchObject({ ok: true, status: 200, body: 'READY' });
    const inbound = await probe('tcp', '10.77.0.1', '15006');
    expect(inbound.text).toMatch(/^kuma-dp-standin port=15006 local=10\.77\.0\.1 remote=10\.77\.0\.1:\d+\n$/);
    const outbound = await probe('tcp', 'fd77::1', '15001');
    expect(outbound.text).toMatch(/^kuma-dp-standin port=15001 local=fd77::1 remote=\[fd77::1\]:\d+\n$/);
    expect(await probe('dns', '10.77.0.1', '15053', 'example.com')).toMatchObject({
      ok: true,
      sameId: true,
      rcode: 0,
      answers: [{ type: 1, data: '127.0.0.53' }],
    });
    expect(await probe('dns', '::1', '15053', 'example.com', 'TXT')).toMatchObject({
      answers: [{ type: 16, data: 'kuma-dp-standin port=15053' }],
    });

    // runuser waits for its child and passes its exit status on; the stand-in itself is signalled.
    process.kill(starting.details.pid as number, 'SIGTERM');
    expect(await dp.exited).toEqual({ code: 0, signal: null });
    await until(async () => ((await probe('http', '127.0.0.1', '9902')).ok ? undefined : true), 2000, 'port closed');
  });

  it('fails when the token file is not readable by the kuma-dp user', async () => {
    const rootOnly = join(dir, 'root-only-token');
    const dp = asUser(
      args.map((a) => (a.startsWith('--dataplane-token-file') ? `--dataplane-token-file=${rootOnly}` : a)),
    );
    expect((await dp.exited).code).toBe(1);
    expect(dp.stderr()).toContain(`could not read file ${rootOnly}: open ${rootOnly}: permission denied`);
    expect(dp.stderr()).not.toContain(TOKEN);
  });
});
