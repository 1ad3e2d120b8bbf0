/**
 * The drift watch on an iptables-legacy host, which gives no events: the agent polls (here every 2 s), says so in
 * its log and in `status`, and repairs a flush within the poll interval plus the heal.
 */
import { expect, it } from 'vitest';
import { followedHost } from '../support/e2e/agent-host.js';
import { COORD } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { holdFlock } from '../support/world/exec.js';

await describeE2e(
  'agent drift watch on iptables-legacy',
  (_backend, fresh) => {
    it('polls, says so, and repairs a flush', async () => {
      const h = await fresh();
      const a = await followedHost(h);
      a.writeConfig({ extra: 'drift:\n  checkInterval: 2s\n' });
      // The agent's applies and the flush take the xtables lock of legacy: all of it under the e2e tests' shared
      // coordination lock, so the test that holds the xtables lock on purpose does not run meanwhile.
      const held = await holdFlock(['-s', COORD]);
      const running = a.start();
      try {
        await expect
          .poll(() => running.output().includes('"msg":"watching for drift"'), { timeout: 90_000, interval: 100 })
          .toBe(true);
        expect(running.output()).toMatch(/"mode":"polling"[^\n]*"msg":"watching for drift"/);
        const status = await a.cli(['status']);
        expect(status.stdout).toMatch(
          /drift watch: polling only, a full check every 2 s \(iptables-legacy gives no events\)/,
        );

        const kumaRules = async () =>
          (await h.save('ipv4')).split('\n').filter((l) => l.startsWith('-A KUMA_MESH_INBOUND ')).length;
        const before = await kumaRules();
        expect(before).toBeGreaterThan(0);
        await h.inHost(['iptables-legacy', '-w', '-t', 'nat', '-F', 'KUMA_MESH_INBOUND']);
        await expect.poll(kumaRules, { timeout: 60_000, interval: 100 }).toBe(before);
        await expect
          .poll(() => running.output().includes('"msg":"drift healed"'), { timeout: 30_000, interval: 100 })
          .toBe(true);
        expect((await h.plan()).code).toBe(0);
      } finally {
        running.child.kill('SIGKILL');
        await running.done;
        await held.release();
      }
    }, 180_000);
  },
  { backends: ['legacy'] },
);
