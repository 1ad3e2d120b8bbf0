import { expect, it } from 'vitest';
import { startAlertmanagerWithReceiver } from '../support/alertmanager.js';
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
      const am = await startAlertmanagerWithReceiver(h.dir);
      h.onCleanup(() => am.close());
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

        // `status` reads the host itself: degraded (exit 2), naming the chain as another tool's.
        const status = await a.cli(['status']);
        expect(status.code, status.stdout + status.stderr).toBe(2);
        expect(status.stdout).toMatch(
          /^problem: shadowed \(left alone, not ours to change\): table inet shadow chain out \(type nat hook output priority -150\)/m,
        );

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
