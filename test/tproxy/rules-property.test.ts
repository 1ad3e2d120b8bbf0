import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../src/model/host-facts.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import { formatDryRun } from '../../src/tproxy/rules/format-restore.js';
import { parseKumaVersion } from '../../src/versions.js';

/** Random *valid* inputs: everything kumactl would accept. */
const port = fc.integer({ min: 1, max: 65535 });
const u16 = fc.integer({ min: 0, max: 65535 }).map(String);
const valueOrRange = fc.oneof(
  u16,
  fc.tuple(u16, u16).map(([a, b]) => `${a}-${b}`),
);
const uidEntry = fc
  .tuple(
    fc.constantFrom('', '*', 'tcp', 'udp', 'TCP,udp', ' tcp , udp'),
    fc.oneof(
      fc.constantFrom('', '*'),
      fc.array(valueOrRange, { minLength: 1, maxLength: 3 }).map((a) => a.join(',')),
    ),
    valueOrRange,
    fc.integer({ min: 1, max: 3 }),
  )
  .map(([proto, ports, uids, parts]) => [uids, `${ports}:${uids}`, `${proto}:${ports}:${uids}`][parts - 1]!);
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const cidr = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, n]) => `${a}/${n}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, n]) => `${a}/${n}`),
);
const ipEntry = fc.array(fc.oneof(ip, cidr), { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
const iface = fc.stringMatching(/^[a-z][a-z0-9]{0,6}\+?$/);
const vnet = fc.tuple(iface, cidr).map(([i, c]) => `${i}:${c}`);

const direction = fc.record({
  enabled: fc.boolean(),
  port,
  includePorts: fc.array(port, { maxLength: 3 }),
  excludePorts: fc.array(port, { maxLength: 3 }),
  excludePortsForIPs: fc.array(ipEntry, { maxLength: 2 }),
  excludePortsForUIDs: fc.array(uidEntry, { maxLength: 2 }),
  insertRedirectInsteadOfAppend: fc.boolean(),
});

const config: fc.Arbitrary<TproxyConfig> = fc
  .record({
    ipFamilyMode: fc.constantFrom('dualstack', 'ipv4', 'IPv4'),
    inbound: direction,
    outbound: direction,
    dns: fc.record({ enabled: fc.boolean(), captureAll: fc.boolean(), port, skipConntrackZoneSplit: fc.boolean() }),
    vnet: fc.array(vnet, { maxLength: 3 }),
    dropInvalidPackets: fc.boolean(),
    commentsDisabled: fc.boolean(),
    log: fc.record({ enabled: fc.boolean(), level: fc.integer({ min: 0, max: 7 }) }),
    verbose: fc.boolean(),
  })
  .map((r) => {
    const c = defaultTproxyConfig();
    c.ipFamilyMode = r.ipFamilyMode;
    Object.assign(c.redirect.inbound, r.inbound);
    Object.assign(c.redirect.outbound, r.outbound);
    Object.assign(c.redirect.dns, r.dns);
    c.redirect.dns.enabled ||= r.dns.captureAll;
    c.redirect.vnet.networks = r.vnet;
    c.dropInvalidPackets = r.dropInvalidPackets;
    c.comments.disabled = r.commentsDisabled;
    c.log = r.log;
    c.verbose = r.verbose;
    return c;
  });

const facts: fc.Arbitrary<HostFacts> = fc.record(
  {
    loopbackInterface: fc.constantFrom('lo', 'lo0'),
    dnsServers: fc.array(ip, { maxLength: 3 }),
    ipv6: fc.boolean(),
    executables: fc.boolean(),
    modules: fc.record({ comment: fc.boolean(), conntrack: fc.boolean(), udp: fc.boolean(), owner: fc.boolean() }),
    tables: fc.record({ nat: fc.boolean(), raw: fc.boolean(), mangle: fc.boolean() }),
    dockerOutputChain: fc.boolean(),
  },
  { requiredKeys: [] },
);

const version = fc.constantFrom(
  '2.9',
  '2.10.1',
  '2.11.5',
  '2.11.7',
  '2.11.9',
  '2.12.0',
  '2.12.3',
  '2.12',
  '2.13.0',
  '2.13',
  '2.14.0',
  '2.14.3',
);

describe('buildRuleSets property', () => {
  it('never throws on valid input and is deterministic', () => {
    fc.assert(
      fc.property(version, config, facts, u16, (v, c, f, uid) => {
        const kv = parseKumaVersion(v);
        const first = buildRuleSets(kv, c, f, uid);
        const second = buildRuleSets(kv, structuredClone(c), structuredClone(f), uid);
        expect(second).toEqual(first);
        expect(formatDryRun(second, { verbose: c.verbose })).toBe(formatDryRun(first, { verbose: c.verbose }));

        expect(first[0]!.family).toBe('ipv4');
        for (const set of first) {
          expect(set.tables.some((t) => t.name === 'nat')).toBe(true);
          for (const table of set.tables) {
            expect(table.rules.length).toBeGreaterThan(0);
            // Insert positions count 1, 2, 3... per chain.
            const seen = new Map<string, number>();
            for (const r of table.rules.filter((x) => x.op === 'insert')) {
              const next = (seen.get(r.chain) ?? 0) + 1;
              expect(r.position).toBe(next);
              seen.set(r.chain, next);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
