/**
 * The sandbox helper itself (test/support/sandbox.ts, on test/support/world/ like the acceptance tests), which the
 * demo and the benchmark stand on: the
 * backend kumactl's detection picks, both address families, the CLI with its flags filled in, a cleanup that leaves
 * nothing and can run twice, and the removal of what a killed run left behind.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, removeLeftoverSandboxes } from '../support/sandbox.js';
import { CLI } from '../support/world/cli.js';
import { ensureKumaDpUser } from '../support/world/users.js';
import { findLeftovers } from './leftovers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const why = process.getuid?.() !== 0 ? 'needs root' : existsSync(CLI) ? undefined : 'needs `npm run build`';

describe.skipIf(why !== undefined && process.env.CI !== 'true')('sandbox', () => {
  // `npm run demo` alone lets kuma-gitops create it; next to other test files, one creator avoids a useradd race.
  beforeAll(async () => {
    if (why === undefined) await ensureKumaDpUser();
  });

  it('legacy + IPv6: both families reach the peer, apply lands on legacy and keeps the foreign chain', {
    timeout: 120_000,
  }, async () => {
    expect(why).toBeUndefined();
    const sb = await createSandbox({ backend: 'legacy', ipv6: true, name: 'legacy6' });
    try {
      const resolv = await sb.inHost(['cat', '/etc/resolv.conf']);
      expect(resolv.stdout).toBe(`nameserver ${sb.peerAddress}\nnameserver ${sb.peerAddress6}\n`);
      await sb.listen('peer', 7000);
      for (const address of [sb.peerAddress, sb.peerAddress6!]) {
        expect((await sb.probe('host', ['tcp', address, '7000'])).text).toBe('kgsbx-listener ns=peer port=7000\n');
      }
      const apply = await sb.cli(['apply']);
      expect(apply.code, apply.stderr).toBe(0);
      for (const family of ['ipv4', 'ipv6'] as const) {
        expect(await sb.save(family)).toContain(':KUMA_MESH_INBOUND');
      }
      expect(await sb.save('ipv4')).toContain('-A KGSBX_FOREIGN -j RETURN');
      expect((await sb.inHost(['iptables-nft-save'])).stdout).not.toContain('KUMA_');
      // The stand-in listens on IPv6 too: an IPv6 connection to the service port is redirected.
      const v6 = await sb.probe('peer', ['tcp', sb.hostAddress6!, '8080']);
      expect(v6.text).toMatch(/^kuma-dp-standin port=15006 /);
    } finally {
      await sb.cleanup();
    }
  });

  it('fills in the CLI flags, and cleanup leaves nothing, twice, and refuses new commands', {
    timeout: 120_000,
  }, async () => {
    const sb = await createSandbox();
    const plan = await sb.cli(['plan']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('example-server: 6 step(s)');
    const other = await sb.cli(['plan', '--host', 'no-such-host']);
    expect(other.code).toBe(1);
    await sb.startService();
    await Promise.all([sb.cleanup(), sb.cleanup()]);
    await sb.cleanup();
    expect(await findLeftovers(sb.id, sb.serviceUser)).toEqual([]);
    expect((await sb.inHost(['true'])).code).toBe(-1);
  });

  it("removes a killed run's namespaces, processes, dirs and user at the next start", {
    timeout: 120_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/demo/fixtures/killed-sandbox.ts'], { cwd: ROOT });
    const exited = new Promise((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let id = '';
    let user = '';
    try {
      const died = exited.then(() => Promise.reject(new Error(`the fixture died early: ${stderr}`)));
      died.catch(() => undefined); // only the race below may care
      const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), died])) as [string];
      ({ id, user } = JSON.parse(line) as { id: string; user: string });
      const before = await findLeftovers(id, user);
      for (const kind of ['namespace', '/etc/netns', 'temp dir', 'user', 'process']) {
        expect(
          before.some((l) => l.startsWith(kind)),
          `${kind} in ${before.join('; ')}`,
        ).toBe(true);
      }
    } finally {
      child.kill('SIGKILL'); // also when an expectation above failed: never leave a stopped process behind
    }
    expect(await exited, stderr).toBe('SIGKILL');
    // Another test's sandbox may start meanwhile and remove them first: either way they must be gone.
    await removeLeftoverSandboxes();
    expect(await findLeftovers(id, user)).toEqual([]);
  });
});
