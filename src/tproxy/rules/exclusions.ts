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

const fail = (direction: Direction, what: 'uids' | 'ips', message: string, entry: string): never => {
  const subject = what === 'uids' ? 'ports for uids' : 'ports for ips';
  throw new KumaGitopsError(
    `tproxy.exclude-${what}.invalid`,
    `parsing excluded ${direction} ${subject} failed: ${message}`,
    { direction, entry },
  );
};

const UINT16 = /^\d+$/;
const isUint16 = (s: string): boolean => UINT16.test(s) && Number(s) <= 65535;

/** A value or an `a-b` range of uint16s (0 allowed, reversed ranges not checked), or the failing piece. */
function checkValueOrRange(piece: string): string | undefined {
  const parts = piece.split('-');
  if (parts.length > 2) return piece;
  return parts.find((p) => !isUint16(p));
}

/** `[<protocol>:][<ports>:]<uids>`; one exclusion per protocol, `-` written as `:` in the output. */
export function parseUidExclusion(entry: string, direction: Direction = 'outbound'): UidExclusion[] {
  const parts = entry.split(':');
  if (parts.length > 3) fail(direction, 'uids', `too many parts in '${entry}'`, entry); // message inferred
  const uids = parts[parts.length - 1]!;
  const ports = parts.length >= 2 ? parts[parts.length - 2]! : '';
  const protocolText = parts.length === 3 ? parts[0]! : '';

  let protocols: Protocol[] = ['tcp', 'udp'];
  if (protocolText !== '' && protocolText !== '*') {
    // Inferred: listed protocols are kept in the order written, duplicates included.
    protocols = protocolText.split(',').map((p) => {
      const proto = p.trim().toLowerCase();
      if (proto !== 'tcp' && proto !== 'udp')
        fail(direction, 'uids', `invalid or unsupported protocol: '${p.trim()}'`, entry);
      return proto as Protocol;
    });
  }

  let portList = '1:65535';
  if (ports !== '' && ports !== '*') {
    for (const piece of ports.split(',')) {
      const bad = checkValueOrRange(piece);
      if (bad !== undefined) {
        const msg = `invalid port range: validation failed for value or range '${piece}': invalid uint16 value: '${bad}'`;
        fail(direction, 'uids', msg, entry);
      }
    }
    portList = ports.replaceAll('-', ':');
  }

  if (uids === '*') fail(direction, 'uids', "wildcard '*' is not allowed for UIDs", entry);
  if (uids.includes(',')) {
    fail(direction, 'uids', `invalid UID entry: '${uids}'. It should either be a single item or a range`, entry);
  }
  const badUid = checkValueOrRange(uids);
  if (badUid !== undefined) {
    // Inferred message: kumactl validates UIDs with the same uint16 value-or-range check as ports.
    const msg = `invalid UID entry: validation failed for value or range '${uids}': invalid uint16 value: '${badUid}'`;
    fail(direction, 'uids', msg, entry);
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
