/**
 * A kuma-dp that crashes two seconds after every start: the agent heals it as many times as its limit allows, then
 * calls the class flapping (once, with an alert to the webhook) and stops restarting it: no restart storm.
 */
import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { followedHost } from '../support/e2e/agent-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';

await describeE2e(
  'agent drift watch, kuma-dp crash-looping',
  (_backend, fresh) => {
    it('heals up to the limit, then flapping: alerted once, no more restarts', async () => {
      const h = await fresh({ env: { KUMA_STANDIN_CRASH_AFTER_S: '2' } });
      const a = await followedHost(h);
      const alerts: { labels: Record<string, string>; endsAt?: string }[] = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => {
          body += d;
        });
        req.on('end', () => {
          alerts.push(...(JSON.parse(body) as { alerts: typeof alerts }).alerts);
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      h.onCleanup(async () => {
        receiver.closeAllConnections();
        receiver.close();
      });
      const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
      a.writeConfig({ extra: `drift:\n  maxHeals: 2\n  healWindow: 10m\nalerts:\n  webhook:\n    url: ${hook}\n` });
      const running = a.start();
      try {
        const FLAPPING = '"msg":"flapping: not healing this class until the window has room"';
        await expect.poll(() => running.output().includes(FLAPPING), { timeout: 120_000, interval: 200 }).toBe(true);
        const heals = () =>
          running
            .output()
            .split('\n')
            .filter((l) => l.includes('"msg":"healing drift"')).length;
        expect(heals()).toBe(2);
        expect(running.output()).toMatch(/"class":"kuma-dp-down"[^\n]*"msg":"flapping/);
        await expect
          .poll(
            () => alerts.some((x) => x.labels.alertname === 'KumaGitopsFlapping' && x.labels.class === 'kuma-dp-down'),
            { timeout: 30_000 },
          )
          .toBe(true);
        // Left alone now: kuma-dp stays down, nothing restarts it (an absence, so it is watched for a while).
        const before = heals();
        await new Promise((r) => setTimeout(r, 5_000));
        expect(heals()).toBe(before);
        expect(h.kumaDpProcesses()).toHaveLength(0);
        expect(
          running
            .output()
            .split('\n')
            .filter((l) => l.includes(FLAPPING)),
        ).toHaveLength(1);
      } finally {
        running.child.kill('SIGKILL');
        await running.done;
      }
    }, 180_000);
  },
  { backends: ['nft'] },
);
