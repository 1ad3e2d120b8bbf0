/** The `with-multiple-flags` distro-golden scenario of REFERENCE §7.2, transcribed from §2.4-§2.5. */

import type { Family } from '../../src/model/family.js';
import type { BuiltRuleSet, BuiltTable } from '../../src/tproxy/rules/built-rules.js';
import { add, ins, kumaDpDnsZones, nat, outboundCore, type RulesVariant, redirects, UID } from './built-fixtures.js';

/** `with-multiple-flags` scenario of REFERENCE §7.2 (captureAll DNS, vnet, exclusions). */
export function multipleFlagsRules(family: Family, variant: RulesVariant = 'V4'): BuiltRuleSet {
  const v4 = family === 'ipv4';
  const vnets = v4
    ? [
        ['br+', '172.18.0.0/16'],
        ['docker0', '172.17.0.0/16'],
      ]
    : [['iface', '::1/64']];
  const outIps = v4 ? ['10.0.0.1', '192.168.0.0/24'] : ['fe80::1', 'fd00::/8'];
  const inIps = v4 ? ['192.168.0.1', '172.32.16.8/16'] : ['fe80::/10', 'a81b:a033:6399:73c7:72b6:aa8c:6f22:7098'];
  const skip = 'skip further processing for configured IP addresses, ports and UIDs';
  const dns = (iface: string) =>
    `redirect DNS requests on interface ${iface} to the kuma-dp DNS proxy (listening on port 15053)`;
  const tcp = (iface: string, cidr: string) =>
    `redirect TCP traffic on interface ${iface}, excluding destination ${cidr}, to the envoy's outbound passthrough port 15001`;
  const raw: BuiltTable = {
    name: 'raw',
    chains: [],
    rules: [
      add('PREROUTING', 'assign connection tracking zone 1 to all DNS responses', '-p udp --sport 53 -j CT --zone 1'),
      ...kumaDpDnsZones(),
      add('OUTPUT', 'assign connection tracking zone 2 to all DNS requests', '-p udp --dport 53 -j CT --zone 2'),
    ],
  };
  let pre = 0;
  let out = 0;
  const rules = [
    ...vnets.flatMap(([iface, cidr]) => [
      ins('PREROUTING', ++pre, dns(iface!), `-i ${iface} -m udp -p udp --dport 53 -j REDIRECT --to-ports 15053`),
      ins('PREROUTING', ++pre, tcp(iface!, cidr!), `! -d ${cidr} -i ${iface} -p tcp -j REDIRECT --to-ports 15001`),
    ]),
    ins(
      'PREROUTING',
      ++pre,
      'redirect remaining TCP traffic to our custom chain for processing',
      '-p tcp -j KUMA_MESH_INBOUND',
    ),
    ...['tcp', 'udp'].map((p) =>
      ins('OUTPUT', ++out, skip, `-m multiport -p ${p} --dport 53,3000:5000 -m owner --uid-owner 106:108 -j RETURN`),
    ),
    ...outIps.map((ip) => ins('OUTPUT', ++out, skip, `-d ${ip} -j RETURN`)),
    ins(
      'OUTPUT',
      ++out,
      'return early for DNS traffic from kuma-dp',
      `-p udp --dport 53 -m owner --uid-owner ${UID} -j RETURN`,
    ),
    // The v2.13 goldens have this append for IPv4 only; REFERENCE §2.13 does not say so.
    ...(variant === 'V3' && !v4
      ? []
      : [
          add(
            'OUTPUT',
            `allow applications to perform DNS queries over TCP to port 53 without mesh redirection (only traffic not owned by UID ${UID} (kuma-dp user))`,
            `-p tcp --dport 53 -m owner ! --uid-owner ${UID} -j RETURN`,
          ),
        ]),
    ins(
      'OUTPUT',
      ++out,
      'redirect all DNS requests to the kuma-dp DNS proxy (listening on port 15053)',
      '-p udp --dport 53 -j REDIRECT --to-ports 15053',
    ),
    add('OUTPUT', 'redirect outbound TCP traffic to our custom chain for processing', '-p tcp -j KUMA_MESH_OUTBOUND'),
    ...inIps.map((ip) =>
      add('KUMA_MESH_INBOUND', 'skip further processing for configured IP address', `-s ${ip} -j RETURN`),
    ),
    ...['4444', '55555'].map((p) =>
      add(
        'KUMA_MESH_INBOUND',
        `exclude inbound traffic from port ${p} from redirection`,
        `-p tcp --dport ${p} -j RETURN`,
      ),
    ),
    add(
      'KUMA_MESH_INBOUND',
      'redirect all inbound traffic to the custom chain for processing',
      '-p tcp -j KUMA_MESH_INBOUND_REDIRECT',
    ),
    ...['1', '22', '333'].map((p) =>
      add(
        'KUMA_MESH_OUTBOUND',
        `exclude outbound traffic from port ${p} from redirection`,
        `-p tcp --dport ${p} -j RETURN`,
      ),
    ),
    ...outboundCore(family, variant, true),
    add(
      'KUMA_MESH_OUTBOUND',
      'redirect all other outbound traffic to our custom chain for further processing',
      '-j KUMA_MESH_OUTBOUND_REDIRECT',
    ),
    ...redirects('15006', '15001'),
  ];
  return { family, tables: [raw, nat(rules)] };
}
