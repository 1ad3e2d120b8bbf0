/**
 * BuiltRuleSets transcribed by hand from REFERENCE §2.4-§2.6 and §2.10 (the generator is written elsewhere):
 * the shared pieces and the `default` distro-golden scenario.
 */

import type { Family } from '../../src/model/family.js';
import type { BuiltRule, BuiltRuleSet, BuiltTable } from '../../src/tproxy/rules/built-rules.js';

export const CHAINS = [
  'KUMA_MESH_INBOUND',
  'KUMA_MESH_OUTBOUND',
  'KUMA_MESH_INBOUND_REDIRECT',
  'KUMA_MESH_OUTBOUND_REDIRECT',
];
export const UID = '5678';

export function add(chain: string, comment: string | undefined, params: string): BuiltRule {
  return { chain, op: 'append', ...(comment === undefined ? {} : { comment }), params: params.split(' ') };
}
export function ins(chain: string, position: number, comment: string, params: string): BuiltRule {
  return { ...add(chain, comment, params), op: 'insert', position };
}

export const loopback = (f: Family) =>
  f === 'ipv4' ? { lh: '127.0.0.1/32', pt: '127.0.0.6/32' } : { lh: '::1/128', pt: '::6/128' };

/**
 * REFERENCE §2.13: 'V3' (2.11.9+, 2.12.6+, 2.13.1+) words the loopback rules "(except to DNS port 53)" and,
 * with DNS on, skips TCP port 53 in them; 'V4' (2.14+) does neither.
 */
export type RulesVariant = 'V3' | 'V4';

/** KUMA_MESH_OUTBOUND rules 2-6 of §2.5. */
export function outboundCore(f: Family, variant: RulesVariant = 'V4', dns = false): BuiltRule[] {
  const { lh, pt } = loopback(f);
  const o = 'KUMA_MESH_OUTBOUND';
  const except = variant === 'V3' ? ' (except to DNS port 53)' : '';
  const skipDns = variant === 'V3' && dns ? ' ! --dport 53' : '';
  return [
    add(
      o,
      `prevent traffic loops by ensuring traffic from the sidecar proxy (using ${pt}) to loopback interface is not redirected again`,
      `-s ${pt} -o lo -j RETURN`,
    ),
    add(
      o,
      `redirect outbound TCP traffic${except} destined for loopback interface, but not targeting address ${lh}, and owned by UID ${UID} (kuma-dp user) to KUMA_MESH_INBOUND_REDIRECT chain for proper handling`,
      `-p tcp${skipDns} -o lo ! -d ${lh} -m owner --uid-owner ${UID} -j KUMA_MESH_INBOUND_REDIRECT`,
    ),
    add(
      o,
      `return outbound TCP traffic${except} destined for loopback interface, owned by any UID other than ${UID} (kuma-dp user)`,
      `-p tcp${skipDns} -o lo -m owner ! --uid-owner ${UID} -j RETURN`,
    ),
    add(o, `return outbound traffic owned by UID ${UID} (kuma-dp user)`, `-m owner --uid-owner ${UID} -j RETURN`),
    add(o, `return traffic destined for localhost (${lh}) to avoid redirection`, `-d ${lh} -j RETURN`),
  ];
}

export const redirects = (inbound: string, outbound: string): BuiltRule[] => [
  add(
    'KUMA_MESH_INBOUND_REDIRECT',
    `redirect TCP traffic to envoy (port ${inbound})`,
    `-p tcp -j REDIRECT --to-ports ${inbound}`,
  ),
  add(
    'KUMA_MESH_OUTBOUND_REDIRECT',
    `redirect TCP traffic to envoy (port ${outbound})`,
    `-p tcp -j REDIRECT --to-ports ${outbound}`,
  ),
];

/** raw OUTPUT rules 1-2 of §2.4 (zone split on): the conntrack zones of kuma-dp's own DNS traffic. */
export const kumaDpDnsZones = (): BuiltRule[] => [
  add(
    'OUTPUT',
    `assign connection tracking zone 1 to DNS traffic from the kuma-dp user (UID ${UID})`,
    `-p udp --dport 53 -m owner --uid-owner ${UID} -j CT --zone 1`,
  ),
  add(
    'OUTPUT',
    'assign connection tracking zone 2 to DNS responses from the kuma-dp DNS proxy',
    `-p udp --sport 15053 -m owner --uid-owner ${UID} -j CT --zone 2`,
  ),
];

export const nat = (rules: BuiltRule[]): BuiltTable => ({ name: 'nat', chains: CHAINS, rules });

/** `default` scenario: §2.10's restore file. */
export function defaultRules(family: Family, variant: RulesVariant = 'V4'): BuiltRuleSet {
  return {
    family,
    tables: [
      nat([
        add(
          'PREROUTING',
          'redirect inbound TCP traffic to our custom chain for processing',
          '-p tcp -j KUMA_MESH_INBOUND',
        ),
        add(
          'OUTPUT',
          'redirect outbound TCP traffic to our custom chain for processing',
          '-p tcp -j KUMA_MESH_OUTBOUND',
        ),
        add(
          'KUMA_MESH_INBOUND',
          'redirect all inbound traffic to the custom chain for processing',
          '-p tcp -j KUMA_MESH_INBOUND_REDIRECT',
        ),
        ...outboundCore(family, variant),
        add(
          'KUMA_MESH_OUTBOUND',
          'redirect all other outbound traffic to our custom chain for further processing',
          '-j KUMA_MESH_OUTBOUND_REDIRECT',
        ),
        ...redirects('15006', '15001'),
      ]),
    ],
  };
}

/** The same rules with `comments.disabled`: nothing marks them as Kuma's but the chain names. */
export function defaultRulesWithoutComments(family: Family): BuiltRuleSet {
  const strip = (t: BuiltTable): BuiltTable => ({ ...t, rules: t.rules.map(({ comment: _, ...r }) => r) });
  return { family, tables: defaultRules(family).tables.map(strip) };
}
