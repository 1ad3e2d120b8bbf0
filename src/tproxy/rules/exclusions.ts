import { KumaGitopsError } from '../../errors.js';
import type { Family } from './built-rules.js';
import { familyOf, parseCidr, parseIp } from './ip-address.js';

/**
 * `excludePortsForUIDs` and `excludePortsForIPs` entries (REFERENCE §1.3), parsed the way kumactl does and
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

/** kumactl prefixes UID errors so (§7.1); the `ports for ips` prefix is inferred by analogy. */
const fail = (direction: Direction, what: 'uids' | 'ips', message: string, entry: string): never => {
  const subject = what === 'uids' ? 'ports for uids' : 'ports for ips';
  throw new KumaGitopsError(
    `tproxy.exclude-${what}.invalid`,
    `parsing excluded ${direction} ${subject} failed: ${message}`,
    { direction, entry },
  );
};

const UINT16 = /^\d+$/;

/**
 * A value or `a-b` range of uint16s (0 allowed, reversed ranges not checked): every `-`-separated element is
 * checked, so the message names the first bad one. Inferred: like kumactl, `1-2-3` is not rejected here.
 */
function valueOrRangeError(piece: string): string | undefined {
  const bad = piece.split('-').find((p) => !(UINT16.test(p) && Number(p) <= 65535));
  return bad === undefined
    ? undefined
    : `validation failed for value or range '${piece}': invalid uint16 value: '${bad}'`;
}

/**
 * `[<protocol>:][<ports>:]<uids>`; one exclusion per protocol, `-` written as `:` in the output. The checks run
 * in kumactl's order - UIDs, then ports, then protocols - which the kumactl-error vectors show: `3000-5000:1:*`
 * reports the UID wildcard although `3000-5000` is not a protocol either.
 */
export function parseUidExclusion(entry: string, direction: Direction = 'outbound'): UidExclusion[] {
  const parts = entry.split(':');
  if (parts.length > 3) {
    // Message inferred: not in the reference.
    fail(direction, 'uids', `invalid format for excluding ports by uids: '${entry}'`, entry);
  }
  const uids = parts[parts.length - 1]!;
  const ports = parts.length >= 2 ? parts[parts.length - 2]! : '';
  const protocolText = parts.length === 3 ? parts[0]! : '';

  if (uids === '*') fail(direction, 'uids', "wildcard '*' is not allowed for UIDs", entry);
  if (uids.includes(',')) {
    fail(direction, 'uids', `invalid UID entry: '${uids}'. It should either be a single item or a range`, entry);
  }
  const uidError = valueOrRangeError(uids);
  // Message prefix inferred: the reference only quotes the port variant of this check.
  if (uidError !== undefined) fail(direction, 'uids', `invalid uid range: ${uidError}`, entry);

  let portList = '1:65535';
  if (ports !== '' && ports !== '*') {
    for (const piece of ports.split(',')) {
      const portError = valueOrRangeError(piece);
      if (portError !== undefined) fail(direction, 'uids', `invalid port range: ${portError}`, entry);
    }
    portList = ports.replaceAll('-', ':');
  }

  let protocols: Protocol[] = ['tcp', 'udp'];
  if (protocolText !== '' && protocolText !== '*') {
    // Inferred: listed protocols are kept in the order written, duplicates included.
    protocols = protocolText.split(',').map((p) => {
      const proto = p.trim().toLowerCase();
      if (proto !== 'tcp' && proto !== 'udp') {
        fail(direction, 'uids', `invalid or unsupported protocol: '${p.trim()}'`, entry);
      }
      return proto as Protocol;
    });
  }

  const uidText = uids.replaceAll('-', ':');
  return protocols.map((protocol) => ({ kind: 'uid', protocol, ports: portList, uids: uidText }));
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

/** All exclusions of one direction for one family: first every UID entry, then every IP entry (§2.5). */
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
