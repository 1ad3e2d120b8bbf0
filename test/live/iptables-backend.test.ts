/**
 * Backend choice as kumactl makes it (REFERENCE §3.2) on real nft and legacy tables in throw-away namespaces
 * (the tables of both backends are per network namespace).
 */
import { expect, it } from 'vitest';
import { CONFLICTING_MODES_WARNING, detectIptablesBackend } from '../../src/live/iptables-backend.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';
import { DOCKER_OUTPUT_RULES, FOREIGN_RULES, KUMA_RULES, restore } from './live-support.js';

const TOOLS = ['iptables-nft', 'iptables-legacy', 'ip6tables-nft', 'ip6tables-legacy'];

await describeWithNetns('backend choice in real namespaces', TOOLS, (fresh) => {
  it('a fresh namespace gets nft, with IPv6 and every module and table', async () => {
    const ns = await fresh();
    const backend = await detectIptablesBackend(createCommandRunner({ netns: ns.name }));
    expect(backend.backend).toBe('nft');
    expect(backend.commands).toEqual({
      ipv4: { iptables: 'iptables-nft', save: 'iptables-nft-save', restore: 'iptables-nft-restore' },
      ipv6: { iptables: 'ip6tables-nft', save: 'ip6tables-nft-save', restore: 'ip6tables-nft-restore' },
    });
    expect(backend.functionality).toEqual({
      modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
      tables: { nat: true, raw: true, mangle: true },
      dockerOutputChain: false,
      existingRules: false,
    });
    expect(backend.warnings).toEqual([]);
  });

  it('legacy rules already there make it legacy (Kuma rules or foreign ones)', async () => {
    const foreign = await fresh();
    await restore(foreign, 'iptables-legacy-restore', FOREIGN_RULES);
    const a = await detectIptablesBackend(createCommandRunner({ netns: foreign.name }));
    expect(a.backend).toBe('legacy');
    expect(a.commands.ipv4.save).toBe('iptables-legacy-save');
    expect(a.commands.ipv6?.save).toBe('ip6tables-legacy-save');

    const kuma = await fresh();
    await restore(kuma, 'iptables-legacy-restore', KUMA_RULES);
    expect((await detectIptablesBackend(createCommandRunner({ netns: kuma.name }))).backend).toBe('legacy');
  });

  it('a custom chain in legacy raw or mangle counts as existing rules too', async () => {
    const ns = await fresh();
    await ns.exec('iptables-legacy', ['-t', 'mangle', '-N', 'SOMEONE_ELSE']);
    expect((await detectIptablesBackend(createCommandRunner({ netns: ns.name }))).backend).toBe('legacy');
  });

  it('rules in both backends: nft with a warning, unless only one has DOCKER_OUTPUT', async () => {
    const tie = await fresh();
    await restore(tie, 'iptables-nft-restore', FOREIGN_RULES);
    await restore(tie, 'iptables-legacy-restore', FOREIGN_RULES);
    const t = await detectIptablesBackend(createCommandRunner({ netns: tie.name }));
    expect([t.backend, t.warnings]).toEqual(['nft', [CONFLICTING_MODES_WARNING]]);

    const dockerLegacy = await fresh();
    await restore(dockerLegacy, 'iptables-nft-restore', FOREIGN_RULES);
    await restore(dockerLegacy, 'iptables-legacy-restore', DOCKER_OUTPUT_RULES);
    const d = await detectIptablesBackend(createCommandRunner({ netns: dockerLegacy.name }));
    expect([d.backend, d.functionality.dockerOutputChain, d.warnings]).toEqual(['legacy', true, []]);

    const dockerNft = await fresh();
    await restore(dockerNft, 'iptables-nft-restore', DOCKER_OUTPUT_RULES);
    await restore(dockerNft, 'iptables-legacy-restore', FOREIGN_RULES);
    const n = await detectIptablesBackend(createCommandRunner({ netns: dockerNft.name }));
    expect([n.backend, n.functionality.dockerOutputChain]).toEqual(['nft', true]);
  });

  it('nft rules alone keep nft; legacy is probed without any rule being added there', async () => {
    const ns = await fresh();
    await restore(ns, 'iptables-nft-restore', FOREIGN_RULES);
    expect((await detectIptablesBackend(createCommandRunner({ netns: ns.name }))).backend).toBe('nft');
    // The probe leaves empty legacy tables behind (as kumactl's does): built-in chains only, no user chain or rule.
    const legacy = (await ns.exec('iptables-legacy-save', [])).stdout;
    expect(legacy).toMatch(/^\*nat$/m);
    expect(legacy).not.toMatch(/^(-A |:(?!(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ))/m);
  });
});
