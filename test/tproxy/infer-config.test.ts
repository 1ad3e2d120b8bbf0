/**
 * Reading a kumactl config back off the rules it produced (the core of adopting a hand-made host): for random
 * configs within the option families it reads, rules -> infer -> rules gives the same rules; for a family it does
 * not read yet, or a hand-edited rule, it refuses with the exact rules no config explains, never a wrong config.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/model/family.js';
import type { HostFacts } from '../../src/model/host-facts.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { inferTproxyConfig, type LiveKumaRules } from '../../src/tproxy/infer-config.js';
import { parseKumaVersion } from '../../src/versions.js';
import { tempFile } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';
import { tproxyConfigArbitrary } from '../support/tproxy-arbitrary.js';

const V214 = parseKumaVersion('2.14.3');
const FACTS: HostFacts = { users: { 'kuma-dp': 5678, root: 0, app: 1000 }, dnsServers: ['10.0.0.2'], ipv6: true };

function liveOf(config: TproxyConfig, facts = FACTS, uid = '5678'): LiveKumaRules {
  const rules = computeRules(V214, config, facts, uid);
  const live: LiveKumaRules = {};
  for (const family of ['ipv4', 'ipv6'] as Family[]) {
    if (rules.save(family) !== undefined) live[family] = rules.expected(family) as SavedRuleSet;
  }
  return live;
}
const saves = (config: TproxyConfig, uid: string) => {
  const r = computeRules(V214, config, FACTS, uid);
  return [r.save('ipv4'), r.save('ipv6')];
};

const config = tproxyConfigArbitrary();

describe('inferTproxyConfig', () => {
  it('the guide default: kumactl defaults, user kuma-dp', () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    const r = inferTproxyConfig(liveOf(c), FACTS, V214);
    expect(r.ok).toBe(true);
    expect(r.ok && r.config).toEqual(c);
  });

  it('round trip: rules -> infer -> the same rules, for 300 random configs of the families it reads', () => {
    fc.assert(
      fc.property(config, (c) => {
        const uid = String(FACTS.users![c.kumaDPUser]);
        let original: (string | undefined)[];
        try {
          original = saves(c, uid);
        } catch {
          return; // a config kumactl itself refuses
        }
        const r = inferTproxyConfig(liveOf(c, FACTS, uid), FACTS, V214);
        expect(r.ok ? [] : ['reason' in r ? r.reason : '', ...r.unexplained]).toEqual([]);
        expect(r.ok).toBe(true);
        if (r.ok) expect(saves(r.config, r.uid)).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['inbound, shown by LOG', true, false],
    ['outbound, shown by the DNS redirects', false, true],
    ['both', true, true],
  ])('insert instead of append is read where the order shows it: %s', (_, inbound, outbound) => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.log.enabled = true;
    c.redirect.dns.enabled = true;
    c.redirect.inbound.insertRedirectInsteadOfAppend = inbound;
    c.redirect.outbound.insertRedirectInsteadOfAppend = outbound;
    const r = inferTproxyConfig(liveOf(c), FACTS, V214);
    expect(
      r.ok && [
        r.config.redirect.inbound.insertRedirectInsteadOfAppend,
        r.config.redirect.outbound.insertRedirectInsteadOfAppend,
      ],
    ).toEqual([inbound, outbound]);
    expect(r.ok && saves(r.config, r.uid)).toEqual(saves(c, '5678'));
  });

  it('a `tcp:` UID entry before a `*` one for the same UID keeps its place (rules tcp, tcp, udp)', () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.outbound.excludePortsForUIDs = ['tcp:*:0', '*:*:0'];
    const r = inferTproxyConfig(liveOf(c), FACTS, V214);
    expect(r.ok && r.config.redirect.outbound.excludePortsForUIDs).toEqual(['tcp:*:0', '*:*:0']);
  });

  it('vnet networks and excluded UIDs are read back', () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.vnet.networks = ['docker0:172.17.0.0/16'];
    c.redirect.outbound.excludePortsForUIDs = ['tcp:1000-2000:106-108', '*:*:203'];
    const r = inferTproxyConfig(liveOf(c), FACTS, V214);
    expect(r.ok ? [r.config.redirect.vnet.networks, r.config.redirect.outbound.excludePortsForUIDs] : r).toEqual([
      ['docker0:172.17.0.0/16'],
      ['tcp:1000-2000:106-108', '*:*:203'],
    ]);
  });

  it('a hand-edited rule is refused, naming that rule', () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    const live = liveOf(c);
    const nat = live.ipv4!.tables.find((t) => t.name === 'nat')!;
    const i = nat.rules.findIndex((r) => r.chain === 'KUMA_MESH_INBOUND');
    const edited = {
      ...nat.rules[i]!,
      args: [...nat.rules[i]!.args, '-s', '10.1.2.3/32'],
      text: `${nat.rules[i]!.text} -s 10.1.2.3/32`,
    };
    nat.rules = nat.rules.map((r, k) => (k === i ? edited : r));
    const r = inferTproxyConfig(live, FACTS, V214);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.unexplained.map((d) => d.actual).filter(Boolean)).toContainEqual(
      expect.stringContaining('10.1.2.3/32'),
    );
  });
});

describe('kuma-gitops tproxy infer', () => {
  const facts = tempFile({ users: { 'kuma-dp': 5678 }, dnsServers: ['10.0.0.2'], ipv6: false });
  const live = async (...flags: string[]) =>
    (
      await runCli([
        'tproxy',
        'rules',
        '--format',
        'save',
        '--facts',
        facts,
        '--',
        '--kuma-dp-user',
        'kuma-dp',
        ...flags,
      ])
    ).out;

  it('prints the config that gives exactly the live rules, only what differs from the defaults', async () => {
    const save = await live(
      '--redirect-inbound-port',
      '15010',
      '--exclude-inbound-ports',
      '22,8443',
      '--drop-invalid-packets',
    );
    const r = await runCli(['tproxy', 'infer', '--live', '-', '--facts', facts], { stdin: save });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        '# kumactl install transparent-proxy --config <this file> gives exactly the live rules (Kuma 2.14)',
        'kumaDPUser: kuma-dp',
        'redirect:',
        '  inbound:',
        '    port: 15010',
        '    excludePorts: [22, 8443]',
        'dropInvalidPackets: true',
        '',
      ].join('\n'),
    );
    // And the printed file, given back to the rules command, gives the same rules.
    const config = tempFile(r.out.split('\n').slice(1).join('\n'), '.yaml');
    expect((await runCli(['tproxy', 'rules', '--format', 'save', '--facts', facts, '--config', config])).out).toBe(
      save,
    );
  });

  it('exit 2 listing the rules it cannot explain (a rule kumactl never writes, added by hand)', async () => {
    const save = (await live()).replace(
      'COMMIT',
      '-A KUMA_MESH_INBOUND -s 10.1.2.3/32 -p tcp -j KUMA_MESH_INBOUND_REDIRECT\nCOMMIT',
    );
    const r = await runCli(['tproxy', 'infer', '--live', '-', '--facts', facts], { stdin: save });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^no kumactl config read so far explains these rules:\n {2}ipv4 nat KUMA_MESH_INBOUND: /);
    expect(r.out).toContain('live:     -A KUMA_MESH_INBOUND -s 10.1.2.3/32 -p tcp -j KUMA_MESH_INBOUND_REDIRECT');
  });
});

describe('inferTproxyConfig with excluded UIDs and vnet', () => {
  const uids = fc
    .tuple(
      fc.constantFrom('tcp', 'udp', '*'),
      fc.constantFrom('*', '80', '1000-2000'),
      fc.integer({ min: 0, max: 2000 }),
    )
    .map(([proto, ports, uid]) => `${proto}:${ports}:${uid}`);
  const wider = fc.record({
    base: config,
    uids: fc.array(uids, { maxLength: 2 }),
    vnet: fc.array(fc.constantFrom('docker0:172.17.0.0/16', 'br+:10.5.0.0/16'), { maxLength: 1 }),
  });

  it('round trip for 300 random configs with excluded UIDs and vnet networks too', () => {
    fc.assert(
      fc.property(wider, ({ base, uids: entries, vnet }) => {
        const c = structuredClone(base);
        c.redirect.outbound.excludePortsForUIDs = entries;
        c.redirect.vnet.networks = vnet;
        const uid = String(FACTS.users![c.kumaDPUser]);
        let original: (string | undefined)[];
        try {
          original = saves(c, uid);
        } catch {
          return;
        }
        const r = inferTproxyConfig(liveOf(c, FACTS, uid), FACTS, V214);
        expect(r.ok ? [] : ['reason' in r ? r.reason : '', ...r.unexplained]).toEqual([]);
        if (r.ok) expect(saves(r.config, r.uid)).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });
});
