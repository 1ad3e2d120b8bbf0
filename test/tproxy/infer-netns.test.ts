/**
 * `tproxy infer` against real iptables 1.8.9, nft and legacy: a namespace holding other tools' rules gets Kuma's
 * rules from a kumactl invocation (`tproxy rules --format restore`, both families restored with `--noflush`), the
 * `*-save` output is read back, and the printed config, given to `tproxy diff`, is in sync with the live rules of
 * both families. Invocations cover every option family, IPv4-only and dual stack.
 */
import { expect, it } from 'vitest';
import type { Family } from '../../src/model/family.js';
import { tempFile } from '../support/golden-inputs.js';
import { describeWithNetns } from '../support/netns.js';
import { BACKENDS, FAMILIES, foreignRestore, save, splitDryRun, TOOLS, tool } from '../support/netns-support.js';
import { runCli } from '../support/sample-repo.js';

const INVOCATIONS: [string, string[]][] = [
  ['the guide', []],
  ['IPv4 only', ['--ip-family-mode', 'ipv4', '--redirect-inbound-port', '15010', '--exclude-inbound-ports', '22']],
  [
    'exclusions, vnet, DNS capture-all',
    [
      '--redirect-all-dns-traffic',
      '--vnet',
      'docker0:172.17.0.0/16',
      '--exclude-outbound-ports-for-uids',
      'tcp:3000-5000:106-108',
      '--exclude-outbound-ips',
      '10.0.0.1,fd00::/8',
      '--exclude-outbound-ports',
      '1,22',
      '--exclude-inbound-ips',
      '192.168.0.1,fe80::/10',
    ],
  ],
  [
    'logs, drop invalid, no conntrack split',
    ['--iptables-logs', '--drop-invalid-packets', '--redirect-dns', '--skip-dns-conntrack-zone-split'],
  ],
  ['comments disabled', ['--disable-comments', '--redirect-dns']],
];
const CASES = BACKENDS.flatMap((b) => INVOCATIONS.map(([name, flags]) => [b, name, flags] as const));

await describeWithNetns('tproxy infer on real iptables', TOOLS, (fresh) => {
  it.each(CASES)('%s: %s', async (backend, _name, flags) => {
    const facts = tempFile({ users: { 'kuma-dp': 5678 }, dnsServers: ['10.0.0.2', 'fd00::2'] });
    const argv = ['--facts', facts, '--', '--kuma-dp-user', 'kuma-dp', ...flags];
    const dryRun = await runCli(['tproxy', 'rules', '--format', 'restore', ...argv]);
    expect([dryRun.code, dryRun.err]).toEqual([0, '']);
    const ns = await fresh();
    const live: Partial<Record<Family, string>> = {};
    for (const family of FAMILIES) {
      await ns.exec(tool(backend, family, 'restore'), ['--wait=10'], foreignRestore(family));
      const restore = splitDryRun(dryRun.out)[family];
      if (restore) await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], restore);
      live[family] = await save(ns, backend, family);
    }
    const files = { v4: tempFile(live.ipv4!, '.txt'), v6: tempFile(live.ipv6!, '.txt') };
    const inferred = await runCli(['tproxy', 'infer', '--live', files.v4, '--live6', files.v6, '--facts', facts]);
    expect([inferred.code, inferred.err, inferred.out.startsWith('# kumactl')], inferred.out).toEqual([0, '', true]);

    const config = tempFile(inferred.out, '.yaml');
    for (const family of FAMILIES) {
      const diff = await runCli(
        ['tproxy', 'diff', '--live', '-', '--family', family, '--facts', facts, '--config', config, '--output', 'json'],
        { stdin: live[family]! },
      );
      expect([family, diff.code, JSON.parse(diff.out).differences]).toEqual([family, 0, []]);
    }
  });
});
