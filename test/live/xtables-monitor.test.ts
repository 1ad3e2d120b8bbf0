/**
 * xtables-monitor as the drift watch's trigger, in a real namespace: a rule change arrives as an event line within
 * moments (stdbuf keeps it line-buffered), NEWGEN lines name the writer, and a monitor that dies is started again.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { type MonitorEvent, startXtablesMonitor } from '../../src/live/xtables-monitor.js';
import { liveProcesses } from '../../src/supervisor/proc-table.js';
import { describeWithNetns } from '../support/netns.js';

await describeWithNetns('xtables-monitor', ['iptables-nft', 'xtables-monitor', 'stdbuf'], (fresh) => {
  it('turns rule changes into events, names the writer, and comes back when killed', async () => {
    const ns = await fresh();
    const events: MonitorEvent[] = [];
    const monitor = startXtablesMonitor({ netns: ns.name, onEvent: (e) => events.push(e) });
    try {
      // The monitor has subscribed once a first change shows up; keep changing until it does.
      await expect
        .poll(
          () => {
            execFileSync('ip', ['netns', 'exec', ns.name, 'iptables-nft', '-t', 'nat', '-A', 'OUTPUT', '-j', 'RETURN']);
            return events.some((e) => /-A OUTPUT -j RETURN/.test(e.line));
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);
      expect(events.find((e) => e.writer)?.writer).toMatchObject({ name: 'iptables-nft' });

      // Killed: started again (after a 1 s pause), and events flow again.
      // Only this namespace's monitor: other tests run theirs.
      const inNs = (pid: number) => {
        try {
          return statSync(`/proc/${pid}/ns/net`).ino === statSync(`/run/netns/${ns.name}`).ino;
        } catch {
          return false;
        }
      };
      const procs = await liveProcesses((p) => p.argv.includes('xtables-monitor') && inNs(p.pid));
      expect(procs).toHaveLength(1);
      for (const p of procs) process.kill(p.pid, 'SIGKILL');
      await expect.poll(() => monitor.starts, { timeout: 30_000 }).toBe(2);
      const seen = events.length;
      await expect
        .poll(
          () => {
            execFileSync('ip', ['netns', 'exec', ns.name, 'iptables-nft', '-t', 'nat', '-A', 'OUTPUT', '-j', 'ACCEPT']);
            return events.slice(seen).some((e) => /-A OUTPUT -j ACCEPT/.test(e.line));
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);
    } finally {
      monitor.stop();
    }
  });
});

await describeWithNetns('nft monitor', ['nft', 'stdbuf'], (fresh) => {
  it('turns native nftables changes (which xtables-monitor does not show) into events naming the writer', async () => {
    const ns = await fresh();
    const events: MonitorEvent[] = [];
    const monitor = startXtablesMonitor({ kind: 'nft-monitor', netns: ns.name, onEvent: (e) => events.push(e) });
    try {
      let n = 0;
      await expect
        .poll(
          () => {
            execFileSync('ip', ['netns', 'exec', ns.name, 'nft', 'add', 'table', 'inet', `t${n++}`]);
            return events.some((e) => /^add table inet t\d+/.test(e.line));
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);
      await expect.poll(() => events.find((e) => e.writer)?.writer, { timeout: 30_000 }).toMatchObject({ name: 'nft' });
    } finally {
      monitor.stop();
    }
  });
});
