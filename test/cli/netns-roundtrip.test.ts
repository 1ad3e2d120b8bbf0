/**
 * The real generator against real iptables 1.8.9, nft and legacy, IPv4 and IPv6: on a namespace that already
 * holds Docker/firewalld/kube-proxy rules, `tproxy rules --format restore` (per-family blocks of the dry-run
 * text) is restored with `*-restore --noflush`, read back with the matching `*-save`, and `tproxy diff --live -`
 * finds it in sync while the foreign rules are byte-identical before and after.
 */
import { expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import { tempFile } from '../support/golden-inputs.js';
import { describeWithNetns } from '../support/netns.js';
import {
  BACKENDS,
  FAMILIES,
  foreignPart,
  foreignRestore,
  save,
  splitDryRun,
  TOOLS,
  tool,
} from '../support/netns-support.js';
import { runCli } from '../support/sample-repo.js';

interface Scenario {
  name: string;
  /** kumactl flags after `--`. */
  flags: string[];
  dnsServers?: string[];
  config?: string;
}

const SCENARIOS: Scenario[] = [
  { name: 'defaults', flags: [] },
  {
    name: 'with-multiple-flags (DNS captureAll, vnet, exclusions)',
    flags: [
      '--redirect-all-dns-traffic',
      '--vnet',
      'docker0:172.17.0.0/16',
      '--vnet',
      'br+:172.18.0.0/16',
      '--vnet',
      'iface:::1/64',
      '--exclude-outbound-ports-for-uids',
      '53,3000-5000:106-108',
      '--exclude-outbound-ips',
      '10.0.0.1,192.168.0.0/24,fe80::1',
      '--exclude-outbound-ips',
      'fd00::/8',
      '--exclude-outbound-ports',
      '1,22,333',
      '--exclude-inbound-ports',
      '4444,55555',
      '--exclude-inbound-ips',
      '192.168.0.1,172.32.16.8/16,fe80::/10',
    ],
  },
  {
    name: 'DNS per server with loopback resolvers (systemd-resolved, Docker)',
    flags: ['--redirect-dns', '--redirect-dns-port', '15054'],
    dnsServers: ['127.0.0.53', '10.0.0.2', '127.0.0.11', '::1', '2001:db8::53'],
  },
  {
    name: 'LOG at level 4 (not printed by *-save) and inbound insert',
    flags: ['--iptables-logs', '--redirect-inbound-insert-instead-of-append'],
    config: 'log:\n  level: 4\n',
  },
  { name: 'dropInvalidPackets', flags: ['--drop-invalid-packets', '--redirect-all-dns-traffic'] },
  { name: 'comments disabled', flags: ['--disable-comments', '--redirect-dns'], dnsServers: ['8.8.8.8'] },
];

const CASES = BACKENDS.flatMap((b) => FAMILIES.flatMap((f) => SCENARIOS.map((s) => [b, f, s.name, s] as const)));

await describeWithNetns('tproxy rules restored into real iptables, then tproxy diff', TOOLS, (fresh) => {
  it.each(CASES)('%s %s %s', async (backend, family, _, scenario) => {
    // Docker's nat has DOCKER_OUTPUT in the IPv4 fixture, and kumactl would see it (§2.5).
    const facts = tempFile({
      users: { 'kuma-dp': 5678 },
      dnsServers: scenario.dnsServers ?? [],
      dockerOutputChain: family === 'ipv4',
    });
    const inputs = ['--facts', facts, ...(scenario.config ? ['--config', tempFile(scenario.config, '.yaml')] : [])];
    const argv = [...inputs, '--', '--kuma-dp-user', 'kuma-dp', ...scenario.flags];
    const dryRun = await runCli(['tproxy', 'rules', '--format', 'restore', ...argv]);
    expect([dryRun.code, dryRun.err]).toEqual([0, '']);
    const restore = splitDryRun(dryRun.out)[family as Family];
    expect(restore).toBeDefined();
    const ours = await runCli(['tproxy', 'rules', '--format', 'save', '--family', family, ...argv]);

    const ns = await fresh();
    await ns.exec(tool(backend, family, 'restore'), ['--wait=10'], foreignRestore(family));
    const before = parseSave(await save(ns, backend, family));
    expect(before.tables.flatMap((t) => t.rules).length).toBeGreaterThan(5);
    await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], restore);
    const liveText = await save(ns, backend, family);

    const diff = await runCli(['tproxy', 'diff', '--live', '-', '--family', family, '--output', 'json', ...argv], {
      stdin: liveText,
    });
    expect([diff.code, diff.err, JSON.parse(diff.out).differences]).toEqual([0, '', []]);

    const foreignBefore = foreignPart(before, { tables: [] });
    const foreignAfter = foreignPart(parseSave(liveText), parseSave(ours.out));
    for (const [table, lines] of Object.entries(foreignAfter)) {
      expect([table, lines]).toEqual([table, foreignBefore[table] ?? lines.filter((l) => /^:[A-Z]+ ACCEPT$/.test(l))]);
    }
    expect(Object.keys(foreignAfter)).toEqual(expect.arrayContaining(Object.keys(foreignBefore)));
  });
});
