import type { ResolvedHostFacts } from '../model/host-facts.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { IptablesBackend } from './iptables-backend.js';
import { readNamespaceFiles } from './namespace-files.js';
import { type UserDb, usersByName } from './users.js';

/**
 * What kumactl learns from the host before it builds rules (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3,
 * Config.Initialize, setup.go, dryRun), read from the live host:
 * network facts inside the runner's namespace, users host-wide. Reading never changes anything; in particular we
 * do not add `::6` to `lo` as kumactl does (Config.Initialize, ipFamilyMode), we only check that it could be added.
 */
export interface LinkInfo {
  index: number;
  name: string;
  flags: string[];
}

const LINK_LINE = /^(\d+):\s+([^:\s@]+)(?:@[^:\s]+)?:\s+<([^>]*)>/;
const INET6 = /\binet6\s+([0-9a-fA-F:.]+)\/\d+/;

/** The link lines of `ip addr show` (or `ip -o link show`), in the kernel's index order. */
export function parseLinks(text: string): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const line of text.split('\n')) {
    const m = LINK_LINE.exec(line);
    if (m) links.push({ index: Number(m[1]), name: m[2]!, flags: m[3]!.split(',').filter((f) => f !== '') });
  }
  return links;
}

/**
 * the first interface with the loopback flag, Go net.Interfaces: the first interface with the loopback flag; `lo` when
 * the listing has none (it always has).
 */
export function loopbackName(links: LinkInfo[]): string {
  return links.find((l) => l.flags.includes('LOOPBACK'))?.name ?? 'lo';
}

/** `nameserver` values in file order, duplicates kept, unvalidated: miekg/dns ClientConfigFromFile (DNS.Initialize). */
export function parseNameservers(resolvConf: string): string[] {
  const servers: string[] = [];
  for (const line of resolvConf.split('\n')) {
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === 'nameserver' && value !== undefined) servers.push(value);
  }
  return servers;
}

/**
 * Config.Initialize, ipFamilyMode `HasLocalIPv6`: some IPv6 address that is not `::1`, link-local included, on any
 * interface. So the `::6`
 * kumactl leaves on `lo` counts too, exactly as it does for kumactl on its next run.
 */
export function hasNonLoopbackIpv6(ipAddrShow: string): boolean {
  return ipAddrShow.split('\n').some((line) => {
    const address = INET6.exec(line)?.[1];
    return address !== undefined && address !== '::1';
  });
}

/** What the network namespace shows, independent of iptables: read while the backend is being detected. */
export interface NetworkFacts {
  loopbackInterface: string;
  dnsServers: string[];
  /** A non-loopback IPv6 address exists and `lo` accepts IPv6 (kumactl could add `::6` to it). */
  ipv6Capable: boolean;
}

const RESOLV_CONF = '/etc/resolv.conf';
// Adding `::6` to `lo` fails when IPv6 is disabled on `lo`; /proc/sys/net is per namespace.
const LO_DISABLE_IPV6 = '/proc/sys/net/ipv6/conf/lo/disable_ipv6';

/** Two reads: `ip addr show` (links with their flags, and their addresses) and the two files. */
export async function readNetworkFacts(runner: CommandRunner): Promise<NetworkFacts> {
  const [addr, files] = await Promise.all([
    runner.run(['ip', 'addr', 'show'], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined),
    readNamespaceFiles(runner, [RESOLV_CONF, LO_DISABLE_IPV6]),
  ]);
  const listing = addr?.exitCode === 0 ? addr.stdout : '';
  return {
    loopbackInterface: loopbackName(parseLinks(listing)),
    dnsServers: parseNameservers(files.get(RESOLV_CONF) ?? ''),
    ipv6Capable: hasNonLoopbackIpv6(listing) && files.get(LO_DISABLE_IPV6)?.trim() === '0',
  };
}

/**
 * The rule generator's facts. `backend` undefined means no usable iptables: kumactl's "no valid executables" case,
 * where every capability counts as missing (setup.go, dryRun). IPv6 also needs ip6tables of the chosen mode
 * (Config.Initialize, ipFamilyMode).
 */
export function composeHostFacts(
  network: NetworkFacts,
  backend: IptablesBackend | undefined,
  users: UserDb,
): ResolvedHostFacts {
  const none = { comment: false, conntrack: false, udp: false, owner: false, tcp: false, multiport: false };
  const f = backend?.functionality;
  return {
    loopbackInterface: network.loopbackInterface,
    users: usersByName(users),
    dnsServers: [...network.dnsServers],
    ipv6: network.ipv6Capable && backend?.commands.ipv6 !== undefined,
    executables: backend !== undefined,
    modules: f === undefined ? none : { ...f.modules },
    tables: f === undefined ? { nat: false, raw: false, mangle: false } : { ...f.tables },
    dockerOutputChain: f?.dockerOutputChain ?? false,
  };
}
