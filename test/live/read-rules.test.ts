/**
 * read-rules returns the whole ruleset of the backend kumactl would use, foreign and Kuma rules alike, per family;
 * an unusable ip6tables leaves IPv6 out instead of failing.
 */
import { expect, it } from 'vitest';
import { findTable, isKumaOwned } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import { detectIptablesBackend, type IptablesBackend } from '../../src/live/iptables-backend.js';
import { readRules } from '../../src/live/read-rules.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';
import { FOREIGN_RULES, KUMA_RULES, kumaRules, restore } from './live-support.js';

const TOOLS = ['iptables-nft', 'iptables-legacy', 'ip6tables-nft', 'ip6tables-legacy'];

await describeWithNetns('read-rules in real namespaces', TOOLS, (fresh) => {
  it.each(['nft', 'legacy'] as const)(
    '%s: foreign and Kuma rules, both families, as *-save prints them',
    async (mode) => {
      const ns = await fresh();
      await restore(ns, `iptables-${mode}-restore`, FOREIGN_RULES);
      await restore(ns, `iptables-${mode}-restore`, KUMA_RULES);
      await restore(ns, `ip6tables-${mode}-restore`, kumaRules('ipv6'));
      const runner = createCommandRunner({ netns: ns.name });
      const live = await readRules(runner, await detectIptablesBackend(runner));
      expect(live.backend).toBe(mode);

      const nat = findTable(live.families.ipv4!, 'nat')!;
      const filter = findTable(live.families.ipv4!, 'filter')!;
      expect(nat.chains.map((c) => c.name)).toEqual(
        expect.arrayContaining(['DOCKER', 'KUMA_MESH_OUTBOUND', 'KUMA_MESH_OUTBOUND_REDIRECT']),
      );
      expect(filter.rules.map((r) => r.text)).toEqual(['-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN']);
      expect(nat.rules.filter((r) => !isKumaOwned(r)).map((r) => r.text)).toEqual([
        '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
        '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      ]);
      expect(nat.rules.filter((r) => isKumaOwned(r)).map((r) => r.text)).toEqual([
        '-A OUTPUT -p tcp -m comment --comment "kuma/mesh/transparent/proxy: redirect outbound" -j KUMA_MESH_OUTBOUND',
        '-A KUMA_MESH_OUTBOUND -d 192.0.2.0/24 -p tcp -j KUMA_MESH_OUTBOUND_REDIRECT',
        '-A KUMA_MESH_OUTBOUND_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
      ]);

      const v6 = findTable(live.families.ipv6!, 'nat')!;
      expect(v6.rules.filter((r) => isKumaOwned(r)).map((r) => r.text)).toContain(
        '-A KUMA_MESH_OUTBOUND -d 2001:db8::/32 -p tcp -j KUMA_MESH_OUTBOUND_REDIRECT',
      );
      expect(live.families.ipv6!.tables.map((t) => t.name)).not.toContain('filter');
    },
  );

  it('reads the chosen backend only: legacy rules are invisible to the nft save', async () => {
    const ns = await fresh();
    await restore(ns, 'iptables-legacy-restore', KUMA_RULES);
    const runner = createCommandRunner({ netns: ns.name });
    const backend = await detectIptablesBackend(runner);
    const legacy = await readRules(runner, backend);
    expect(findTable(legacy.families.ipv4!, 'nat')!.rules).toHaveLength(3);
    const nftView = await readRules(runner, {
      ...backend,
      backend: 'nft',
      commands: { ipv4: { iptables: 'iptables-nft', save: 'iptables-nft-save', restore: 'iptables-nft-restore' } },
    });
    expect(nftView.families.ipv4).toEqual(parseSave(''));
    expect(nftView.families).not.toHaveProperty('ipv6');
  });

  it('an ip6tables-save that fails leaves IPv6 absent, not an error', async () => {
    const ns = await fresh();
    const runner = createCommandRunner({ netns: ns.name });
    const backend = await detectIptablesBackend(runner);
    const broken: IptablesBackend = {
      ...backend,
      commands: { ...backend.commands, ipv6: { iptables: 'false', save: 'false', restore: 'false' } },
    };
    const live = await readRules(runner, broken);
    expect(Object.keys(live.families)).toEqual(['ipv4']);
  });

  it('an iptables-save that fails is rules.read-failed naming the command, from the same reader the apply path uses', async () => {
    const ns = await fresh();
    const runner = createCommandRunner({ netns: ns.name });
    const backend = await detectIptablesBackend(runner);
    const broken: IptablesBackend = {
      ...backend,
      commands: { ...backend.commands, ipv4: { iptables: 'false', save: 'false', restore: 'false' } },
    };
    await expect(readRules(runner, broken)).rejects.toMatchObject({
      code: 'rules.read-failed',
      message: expect.stringMatching(/^ipv4 rules: false exited with 1: /),
    });
  });
});
