/**
 * The `shadowed` drift class in a real namespace: Kuma's rules for the sample host (iptables-nft), next to a native
 * `table inet` whose nat output chain redirects port 80 elsewhere. At priority -150 it runs before Kuma's nat chain
 * and takes the traffic (a connection proves it reaches the foreign port, not Kuma's 15001); at -90, and with
 * firewalld's default ruleset shape, Kuma keeps it and nothing is alerted. Removing the table clears the drift.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readNativeNft } from '../../src/live/read-nft.js';
import type { HostTarget } from '../../src/model/host-target.js';
import { classifyDrift } from '../../src/reconcile/classify-drift.js';
import { nativeNftReport } from '../../src/reconcile/native-nft-report.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { stopChild } from '../live/live-support.js';
import { describeWithNetns, type Netns } from '../support/netns.js';
import { liveInSync, sampleTarget } from '../support/targets.js';

const FIREWALLD = readFileSync(new URL('../golden/nft/firewalld-default.nft', import.meta.url), 'utf8');
const foreign = (priority: number) => `table inet shadow {
  chain out {
    type nat hook output priority ${priority}; policy accept;
    tcp dport 80 redirect to :9999
  }
}
`;

/** Listens on Kuma's outbound port and the foreign one; answers with the port that took the connection. */
const SERVER = `
import socket, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(8)
    while True:
        c, _ = s.accept(); c.sendall(str(port).encode()); c.close()
for p in (15001, 9999):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
`;
const CLIENT = `
import socket
s = socket.create_connection(("192.0.2.1", 80), timeout=5)
print(s.recv(16).decode())
`;

async function shadowedNow(ns: Netns, target: HostTarget) {
  const live = { ...liveInSync(target), nft: await readNativeNft(createCommandRunner({ netns: ns.name })) };
  return { drift: classifyDrift(target, live), report: nativeNftReport(target, live) };
}

await describeWithNetns(
  'native nftables chains that run before Kuma',
  ['iptables-nft-restore', 'nft', 'python3'],
  (fresh) => {
    it('-150 is shadowed and takes the traffic; -90 and firewalld are not; removing the table clears it', async () => {
      const ns = await fresh();
      const target = await sampleTarget('example-server');
      // A route out that is not loopback (Kuma returns root's loopback traffic): a veth pair inside the namespace.
      await ns.exec('ip', ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      await ns.exec('ip', ['addr', 'add', '192.0.2.10/24', 'dev', 'v0']);
      await ns.exec('ip', ['link', 'set', 'v0', 'up']);
      await ns.exec('ip', ['link', 'set', 'v1', 'up']);
      await ns.exec('ip', ['link', 'set', 'lo', 'up']);
      await ns.exec('iptables-nft-restore', ['--noflush'], target.rules.restore.ipv4!);
      await ns.exec('ip6tables-nft-restore', ['--noflush'], target.rules.restore.ipv6!);
      const server = spawn('ip', ['netns', 'exec', ns.name, 'python3', '-c', SERVER], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise((resolve, reject) => {
          server.once('error', reject);
          server.once('exit', (code) => reject(new Error(`the test server exited with ${code}`)));
          server.stdout.once('data', resolve);
        });
        const connect = async () => (await ns.exec('python3', ['-c', CLIENT])).stdout.trim();

        // Kuma alone: port 80 reaches kuma-dp's outbound listener, and nothing is shadowed.
        expect(await connect()).toBe('15001');
        expect((await shadowedNow(ns, target)).drift).toEqual([]);

        await ns.exec('nft', ['-f', '-'], foreign(-150));
        expect(await connect()).toBe('9999');
        const before = await shadowedNow(ns, target);
        expect(before.drift).toEqual([
          {
            class: 'shadowed',
            detail:
              "table inet shadow chain out (type nat hook output priority -150) redirects or DNATs traffic before Kuma's nat chains see it: tcp dport 80 redirect to :9999 (handle 2)",
          },
        ]);

        await ns.exec('nft', ['delete', 'table', 'inet', 'shadow']);
        await ns.exec('nft', ['-f', '-'], foreign(-90));
        expect(await connect()).toBe('15001');
        const after = await shadowedNow(ns, target);
        expect(after.drift).toEqual([]);
        expect('context' in after.report && after.report.context.map((c) => [c.table, c.chain, c.priority])).toEqual([
          ['shadow', 'out', -90],
        ]);

        await ns.exec('nft', ['delete', 'table', 'inet', 'shadow']);
        await ns.exec('nft', ['-f', '-'], FIREWALLD);
        expect(await connect()).toBe('15001');
        const firewalld = await shadowedNow(ns, target);
        expect(firewalld.drift).toEqual([]);
        expect('context' in firewalld.report && firewalld.report.context).toHaveLength(7);

        await ns.exec('nft', ['delete', 'table', 'inet', 'firewalld']);
        await ns.exec('nft', ['-f', '-'], foreign(-150));
        expect((await shadowedNow(ns, target)).drift.map((d) => d.class)).toEqual(['shadowed']);
        await ns.exec('nft', ['delete', 'table', 'inet', 'shadow']);
        expect((await shadowedNow(ns, target)).drift).toEqual([]);
        expect(await connect()).toBe('15001');
      } finally {
        await stopChild(server);
      }
    });
  },
);
