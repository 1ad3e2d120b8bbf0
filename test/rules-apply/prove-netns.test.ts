/**
 * The proof's throw-away namespaces: one per proof, gone afterwards (also when the proof fails), and those left by
 * a killed run (dead pid) are removed at the next proof while those of live processes are left alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { applyRules } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { PROVE_NETNS_PREFIX } from '../../src/rules-apply/prove-netns.js';
import { describeWithNetns, run } from '../support/netns.js';
import { expectedRules } from './fixtures.js';
import { netnsRunner } from './netns-runner.js';
import { TOOLS } from './save-view.js';

const proveNamespaces = async () =>
  (await run('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(PROVE_NETNS_PREFIX));

await describeWithNetns('throw-away namespaces of the proof', TOOLS, (fresh) => {
  it('a leftover of a dead process is removed, a live one is kept, and ours are gone afterwards', async () => {
    const deadPid = spawnSync('true').pid;
    const stale = `${PROVE_NETNS_PREFIX}${deadPid}-deadbeef`;
    // A sleeping process stands for a concurrent run that is still proving.
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const live = `${PROVE_NETNS_PREFIX}${sleeper.pid}-0a1b2c3d`;
    await run('ip', ['netns', 'add', stale]);
    await run('ip', ['netns', 'add', live]);
    try {
      const ns = await fresh();
      const runner = netnsRunner(ns.name);
      await applyRules(runner, rulesBackend('nft'), { ipv4: { to: expectedRules('ipv4') } });
      const used = runner.calls.filter((argv) => argv[2] === 'add').map((argv) => argv[3]);
      expect(used).toHaveLength(1);
      expect(used[0]).toMatch(new RegExp(`^${PROVE_NETNS_PREFIX}${process.pid}-[0-9a-f]{8}$`));
      const left = await proveNamespaces();
      expect(left).not.toContain(stale);
      expect(left).toContain(live);
      expect(left).not.toContain(used[0]);
    } finally {
      sleeper.kill();
      for (const name of [stale, live]) await run('ip', ['netns', 'del', name]).catch(() => undefined);
    }
  });

  it('a failed proof removes its namespace too', async () => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const broken = rulesBackend('nft', { ipv4: { restore: 'iptables-missing-restore' } });
    await expect(applyRules(runner, broken, { ipv4: { to: expectedRules('ipv4') } })).rejects.toMatchObject({
      code: 'rules.tool-missing',
    });
    const used = runner.calls.filter((argv) => argv[2] === 'add').map((argv) => argv[3]!);
    expect(await proveNamespaces()).not.toContain(used[0]);
  });
});
