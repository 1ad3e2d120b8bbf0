import { KumaGitopsError } from '../../errors.js';
import type { Family } from '../../model/family.js';
import { familyOf, parseCidr, parseIp } from '../../net/ip-address.js';
import { parseUidExclusion as parseUidEntry } from '../uid-exclusions.js';

/**
 * `excludePortsForUIDs` and `excludePortsForIPs` entries (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3 and
 * utils.go), parsed the way kumactl does and
 * expanded into one exclusion per protocol / per address. Messages are kumactl's where it has one.
 */
export type Direction = 'inbound' | 'outbound';
export type Protocol = 'tcp' | 'udp';

export interface UidExclusion {
  kind: 'uid';
  protocol: Protocol;
  /** Multiport list with ranges written `a:b`, e.g. `1900,1902,1000:2000`; `*` or empty means `1:65535`. */
  ports: string;
  /** Single UID or `a:b` range. */
  uids: string;
}

export interface IpExclusion {
  kind: 'ip';
  /** The piece exactly as written, surrounding spaces included (kumactl does not canonicalise it). */
  address: string;
}

export type Exclusion = UidExclusion | IpExclusion;

/**
 * kumactl prefixes UID errors so (kumahq/kuma app/kumactl/cmd/install/install_transparent_proxy_test.go@v2.14.3); the
 * `ports for ips` prefix is inferred by analogy.
 */
const fail = (direction: Direction, what: 'uids' | 'ips', message: string, entry: string): never => {
  const subject = what === 'uids' ? 'ports for uids' : 'ports for ips';
  throw new KumaGitopsError(
    `tproxy.exclude-${what}.invalid`,
    `parsing excluded ${direction} ${subject} failed: ${message}`,
    { direction, entry },
  );
};

/**
 * `[<protocol>:][<ports>:]<uids>`, parsed by the config loader's parser (one implementation of kumactl's checks and
 * messages), expanded into one exclusion per protocol.
 */
export function parseUidExclusion(entry: string, direction: Direction = 'outbound'): UidExclusion[] {
  const parsed = parseUidEntry(entry);
  if (!parsed.ok) return fail(direction, 'uids', parsed.message, entry);
  const { protocols, ports, uids } = parsed.value;
  return protocols.map((protocol) => ({ kind: 'uid', protocol, ports, uids }));
}

/** Comma pieces (blank ones dropped), each an IP or CIDR, kept only for `family`, emitted verbatim. */
export function parseIpExclusion(entry: string, family: Family, direction: Direction = 'outbound'): IpExclusion[] {
  if (entry.trim() === '') fail(direction, 'ips', 'invalid exclusion rule: the rule cannot be empty', entry);
  const out: IpExclusion[] = [];
  for (const piece of entry.split(',')) {
    const text = piece.trim();
    if (text === '') continue;
    const ip = parseIp(text) ?? parseCidr(text);
    if (!ip) {
      // Inferred: the tail after "Expected format:" is not quoted in the reference.
      fail(direction, 'ips', `invalid IP address: '${text}'. Expected format: <ip> or <ip>/<cidr>`, entry);
    }
    if (familyOf(ip!) === family) out.push({ kind: 'ip', address: piece });
  }
  return out;
}

/**
 * All exclusions of one direction for one family: first every UID entry, then every IP entry (builder_table_nat.go).
 */
export function directionExclusions(
  uidEntries: readonly string[],
  ipEntries: readonly string[],
  family: Family,
  direction: Direction,
): Exclusion[] {
  return [
    ...uidEntries.flatMap((e) => parseUidExclusion(e, direction)),
    ...ipEntries.flatMap((e) => parseIpExclusion(e, family, direction)),
  ];
}
