import type { Family } from '../../model/family.js';
import type { ResolvedHostFacts } from '../../model/host-facts.js';
import { familyOf, formatIp, isLoopback, parseIp } from '../../net/ip-address.js';
import type { TproxyConfig } from '../config-types.js';

/** `DNS.Initialize` for one family (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, DNS.Initialize). */
export interface DnsPlan {
  /** Redirect DNS for this family (turned off when resolv.conf lists no server of the family and not captureAll). */
  redirect: boolean;
  captureAll: boolean;
  port: number;
  /** This family's resolv.conf servers in file order, duplicates kept, canonical Go text; empty with captureAll. */
  servers: DnsServer[];
  /** Conntrack zone split active: the raw table is built only then. */
  zoneSplit: boolean;
}

export interface DnsServer {
  address: string;
  loopback: boolean;
}

/** The zone split needs nat + raw and the conntrack, udp and owner modules of a usable backend. */
export function zoneSplitSupported(facts: ResolvedHostFacts): boolean {
  const { modules, tables } = facts;
  return facts.executables && tables.nat && tables.raw && modules.conntrack && modules.udp && modules.owner;
}

export function dnsServersOf(facts: ResolvedHostFacts, family: Family): DnsServer[] {
  const out: DnsServer[] = [];
  for (const text of facts.dnsServers) {
    // Inferred: a nameserver Go cannot parse as an IP (e.g. with a %zone) is skipped, not fatal.
    const ip = parseIp(text.trim());
    if (ip && familyOf(ip) === family) out.push({ address: formatIp(ip), loopback: isLoopback(ip) });
  }
  return out;
}

export function initDns(config: TproxyConfig, facts: ResolvedHostFacts, family: Family): DnsPlan {
  const { dns } = config.redirect;
  const captureAll = dns.captureAll;
  const enabled = dns.enabled || captureAll; // captureAll forces enabled
  const servers = enabled && !captureAll ? dnsServersOf(facts, family) : [];
  const redirect = enabled && (captureAll || servers.length > 0);
  // DOCKER_OUTPUT only counts when kumactl could run iptables to see it.
  const dockerCaptureAll = facts.executables && facts.dockerOutputChain && captureAll;
  const zoneSplit = redirect && !dns.skipConntrackZoneSplit && zoneSplitSupported(facts) && !dockerCaptureAll;
  return { redirect, captureAll, port: dns.port, servers, zoneSplit };
}
