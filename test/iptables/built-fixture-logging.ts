/**
 * A scenario no distro golden covers, transcribed from REFERENCE §2.4-§2.6: LOG on (§8.10: the appended
 * PREROUTING LOG ends up last), DNS per resolv.conf server (one of them a local resolver), wildcard UID
 * exclusions, includePorts, both insertRedirectInsteadOfAppend flags, and the mangle INVALID drop.
 */

import type { Family } from '../../src/model/family.js';
import type { BuiltRule, BuiltRuleSet } from '../../src/tproxy/rules/built-rules.js';
import { add, ins, kumaDpDnsZones, loopback, nat, outboundCore, redirects, UID } from './built-fixtures.js';

export function loggingDnsServersRules(family: Family, logLevel: string): BuiltRuleSet {
  const v4 = family === 'ipv4';
  const { lh } = loopback(family);
  // IPv6 has no local resolver here: kumactl adds the loopback CT rule only for a loopback server.
  const servers = v4 ? ['8.8.8.8', '127.0.0.53'] : ['2001:4860:4860::8888'];
  const isLocal = (s: string) => s.startsWith('127.');
  const log = 'log matching packets using kernel logging';
  const skip = 'skip further processing for configured IP addresses, ports and UIDs';
  const raw: BuiltRule[] = [
    ...servers.map((s) =>
      add(
        'PREROUTING',
        `assign connection tracking zone 1 to DNS responses from ${s}`,
        `-s ${s} -p udp --sport 53 -j CT --zone 1`,
      ),
    ),
    ...kumaDpDnsZones(),
    ...servers.flatMap((s) => [
      add(
        'OUTPUT',
        `assign connection tracking zone 2 to DNS requests destined for ${s}`,
        `-d ${s} -p udp --dport 53 -j CT --zone 2`,
      ),
      ...(isLocal(s)
        ? [
            add(
              'OUTPUT',
              'assign conntrack zone 1 to DNS responses from the local DNS server to localhost, needed when the DNS query port is altered by a DNAT iptables rule, such as with Docker containers in a custom network',
              `-s ${s} -d ${lh} -p udp -j CT --zone 1`,
            ),
          ]
        : []),
    ]),
  ];
  let out = 0;
  const natRules: BuiltRule[] = [
    add('PREROUTING', log, `-j LOG --log-prefix PREROUTING: --log-level ${logLevel}`),
    ins(
      'PREROUTING',
      1,
      'redirect remaining TCP traffic to our custom chain for processing',
      '-p tcp -j KUMA_MESH_INBOUND',
    ),
    ins('OUTPUT', ++out, log, `-j LOG --log-prefix OUTPUT: --log-level ${logLevel}`),
    ...['tcp', 'udp'].map((p) =>
      ins('OUTPUT', ++out, skip, `-m multiport -p ${p} --dport 1:65535 -m owner --uid-owner 0 -j RETURN`),
    ),
    ins(
      'OUTPUT',
      ++out,
      'return early for DNS traffic from kuma-dp',
      `-p udp --dport 53 -m owner --uid-owner ${UID} -j RETURN`,
    ),
    add(
      'OUTPUT',
      `allow applications to perform DNS queries over TCP to port 53 without mesh redirection (only traffic not owned by UID ${UID} (kuma-dp user))`,
      `-p tcp --dport 53 -m owner ! --uid-owner ${UID} -j RETURN`,
    ),
    ...servers.map((s) =>
      ins(
        'OUTPUT',
        ++out,
        `redirect DNS requests to ${s} to the kuma-dp DNS proxy (listening on port 15053)`,
        `-d ${s} -p udp --dport 53 -j REDIRECT --to-ports 15053`,
      ),
    ),
    ins(
      'OUTPUT',
      ++out,
      'redirect outbound TCP traffic to our custom chain for processing',
      '-p tcp -j KUMA_MESH_OUTBOUND',
    ),
    ...['8080', '9090'].map((p) =>
      add(
        'KUMA_MESH_INBOUND',
        `redirect inbound traffic from port ${p} to the custom chain for processing`,
        `-p tcp --dport ${p} -j KUMA_MESH_INBOUND_REDIRECT`,
      ),
    ),
    ...outboundCore(family, 'V4', true),
    ...['80', '443'].map((p) =>
      add(
        'KUMA_MESH_OUTBOUND',
        `redirect outbound TCP traffic to port ${p} to our custom chain for further processing`,
        `-p tcp --dport ${p} -j KUMA_MESH_OUTBOUND_REDIRECT`,
      ),
    ),
    ...redirects('16006', '16001'),
  ];
  const mangle = {
    name: 'mangle' as const,
    chains: [],
    rules: [
      add(
        'PREROUTING',
        'drop packets in the INVALID state to prevent potential issues with malformed or out-of-order packets',
        '-m conntrack --ctstate INVALID -j DROP',
      ),
    ],
  };
  return { family, tables: [{ name: 'raw', chains: [], rules: raw }, nat(natRules), mangle] };
}
