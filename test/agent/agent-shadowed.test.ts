/**
 * The agent's drift watch and a native nftables table, on a real host namespace: with the periodic check an hour
 * away, `nft monitor` is what notices a nat output chain at -150 that redirects port 80; the agent alerts
 * `KumaGitopsDrift{class="shadowed"}` through Debian's Alertmanager and heals nothing (it is not ours); removing
 * the table resolves it.
 */
import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { startAlertmanager } from '../support/alertmanager.js';
import { followedHost } from '../support/e2e/agent-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';

const SHADOW =
  'table inet shadow {\n  chain out {\n    type nat hook output priority -150;\n    tcp dport 80 redirect to :9999\n  }\n}\n';

await describeE2e(
  'agent and native nftables',
  (_backend, fresh) => {
    it('nft monitor triggers the check; shadowed is alerted, never healed, and resolved when the table goes', async () => {
      const h = await fresh();
      const a = await followedHost(h);
      const receiver = createServer((_req, res) => res.end());
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const am = await startAlertmanager(h.dir, `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`);
      h.onCleanup(async () => {
        await am.stop();
        receiver.closeAllConnections();
        receiver.close();
      });
      a.writeConfig({
        extra: `alerts:\n  alertmanager: [${am.url}]\n  resendInterval: 1s\ndrift:\n  checkInterval: 1h\n`,
      });
      const running = a.start();
      const shadowedAlerts = async () =>
        ((await (await fetch(`${am.url}/api/v2/alerts?filter=class="shadowed"`)).json()) as unknown[]).length;
      try {
        await expect
          .poll(() => running.output().includes('"msg":"watching for drift"'), { timeout: 60_000, interval: 100 })
          .toBe(true);
        // The first check after arming is done (so the drift below is the monitor's), then the table goes in.
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(running.output())![1]!;
        await expect
          .poll(async () => /kuma_gitops_drift_checks_total [1-9]/.test(await (await fetch(url)).text()), {
            timeout: 30_000,
            interval: 100,
          })
          .toBe(true);
        const added = await h.inHost(['sh', '-c', `printf '%s' "$1" | nft -f -`, 'sh', SHADOW]);
        expect(added.code, added.stderr).toBe(0);
        await expect.poll(shadowedAlerts, { timeout: 30_000, interval: 200 }).toBe(1);
        expect(running.output()).toMatch(/"class":"shadowed"[^\n]*"msg":"drift"|"msg":"drift"[^\n]*"class":"shadowed"/);
        const drift = running
          .output()
          .split('\n')
          .find((l) => l.includes('"msg":"drift"'))!;
        expect(JSON.parse(drift)).toMatchObject({
          class: 'shadowed',
          sources: expect.arrayContaining(['nft-monitor']),
        });
        expect(JSON.parse(drift).sources).not.toContain('armed');
        // The sync log line carries the result, not the whole rendered host.
        expect(running.output()).not.toContain('"rendered"');
        expect(running.output()).not.toMatch(/"msg":"drift healed"/);
        // Still there: the agent does not touch another tool's table.
        expect((await h.inHost(['nft', 'list', 'table', 'inet', 'shadow'])).code).toBe(0);

        expect((await h.inHost(['nft', 'delete', 'table', 'inet', 'shadow'])).code).toBe(0);
        await expect.poll(shadowedAlerts, { timeout: 30_000, interval: 200 }).toBe(0);
      } finally {
        running.child.kill('SIGTERM');
        await running.done;
      }
    });
  },
  { backends: ['nft'] },
);
