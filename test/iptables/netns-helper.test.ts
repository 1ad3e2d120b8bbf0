/** The namespace helper itself: it must never leave namespaces behind, nor touch those of live processes. */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeWithNetns, netnsUnavailableReason, removeLeftoverNetns, run } from '../support/netns.js';

/** A pid that existed and is gone: the pid of a finished child. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

const names = async () => (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);

await describeWithNetns('test/support/netns.ts', ['iptables-nft-save'], (fresh) => {
  it('runs commands inside its own, empty namespace', async () => {
    const ns = await fresh();
    expect(ns.name).toMatch(new RegExp(`^kgtest-${process.pid}-[0-9a-f]{8}$`));
    expect((await ns.exec('iptables-nft-save', [])).stdout).toBe('');
    expect((await ns.exec('cat', [], 'stdin reaches the command')).stdout).toBe('stdin reaches the command');
  });

  it('removes leftovers of dead runs and keeps namespaces of live ones', async () => {
    const leftover = `kgtest-${deadPid()}-leftover`;
    const ours = await fresh();
    await run('ip', ['netns', 'add', leftover]);
    try {
      expect(await removeLeftoverNetns()).toContain(leftover);
      expect(await names()).not.toContain(leftover);
      expect(await names()).toContain(ours.name);
    } finally {
      await run('ip', ['netns', 'del', leftover]).catch(() => undefined);
    }
  });

  it('explains why namespaces cannot be used', async () => {
    expect(await netnsUnavailableReason(['kgtest-no-such-tool'])).toMatch(/kgtest-no-such-tool/);
  });
});
