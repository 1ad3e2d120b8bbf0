/**
 * A flush by hand while the agent applies a new revision (during its wait for kuma-dp's readiness): the apply's
 * verify finds only the rules changed under it and puts them back once, instead of rolling back a good revision;
 * the watch's check after it, against the new revision, finds nothing: no heal, no quarantine, no fight.
 */
import { expect, it } from 'vitest';
import { followedHost } from '../support/e2e/agent-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';

await describeE2e(
  'agent: a flush during an apply',
  (_backend, fresh) => {
    it('is repaired by the apply itself: one apply, no heal, in sync after', async () => {
      // kuma-dp takes 6 s from start to ready: the window for the flush (headroom for a busy machine).
      const h = await fresh({ env: { KUMA_STANDIN_READY_AFTER_MS: '6000' } });
      const a = await followedHost(h);
      const running = a.start();
      try {
        await expect
          .poll(() => running.output().includes('"msg":"watching for drift"'), { timeout: 90_000, interval: 100 })
          .toBe(true);
        await h.setHost({ vars: { port: 8081 } });
        const commit = a.commit({}, 'port 8081: kuma-dp restarts');
        // The new kuma-dp was started: flush while the apply waits for it to be ready.
        // (The first install started one too: wait for the second.)
        const starts = () =>
          running
            .output()
            .split('\n')
            .filter((l) => l.includes('"step":"start-kuma-dp"')).length;
        await expect.poll(starts, { timeout: 60_000, interval: 50 }).toBe(2);
        const flush = await h.inHost(['iptables-nft', '-t', 'nat', '-F']);
        expect(flush.code, flush.stderr).toBe(0);
        await expect
          .poll(
            () =>
              running.output().includes(`"commit":"${commit}"`) &&
              running.output().includes('"msg":"revision applied"'),
            {
              timeout: 90_000,
              interval: 100,
            },
          )
          .toBe(true);
        // Give the watch's debounced check after the apply its turn: it runs under the same lock, right after.
        await expect.poll(async () => (await h.plan()).code, { timeout: 30_000, interval: 500 }).toBe(0);
        const lines = running.output().split('\n');
        expect(lines.filter((l) => l.includes('"msg":"revision applied"'))).toHaveLength(2);
        expect(lines.filter((l) => l.includes('"msg":"healing drift"'))).toEqual([]);
        expect(lines.filter((l) => l.includes('"msg":"revision quarantined"'))).toEqual([]);
        // It happened during the apply, and the apply itself put the rules back.
        expect(running.output()).toContain('"msg":"rules changed while applying: applying them again"');
      } finally {
        running.child.kill('SIGKILL');
        await running.done;
      }
    }, 180_000);
  },
  { backends: ['nft'] },
);
