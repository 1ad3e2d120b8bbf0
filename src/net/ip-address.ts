import type { Family } from '../model/family.js';

/**
 * Go `net.ParseIP` / `net.ParseCIDR` / `net.IP.String()` semantics, which kumactl uses to validate excluded
 * IPs, vnet CIDRs and resolv.conf servers. Only what the rule generator needs: validity, family, loopback and
 * the canonical text of a server address (servers are `net.IP` values, so kumactl prints them canonically).
 */
export interface ParsedIp {
  /** 16 bytes; IPv4 is stored IPv4-mapped, as Go does. */
  bytes: number[];
  /** Go's `ip.To4() != nil`: dotted IPv4, and also IPv4-mapped IPv6 such as `::ffff:1.2.3.4`. */
  isV4: boolean;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseV4Bytes(text: string): number[] | undefined {
  const fields = text.split('.');
  if (fields.length !== 4) return undefined;
  const out: number[] = [];
  for (const f of fields) {
    // Go 1.17+ rejects leading zeros (they used to mean octal in other parsers).
    if (!/^\d{1,3}$/.test(f) || (f.length > 1 && f.startsWith('0'))) return undefined;
    const n = Number(f);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6Bytes(text: string): number[] | undefined {
  if (text.includes('%')) return undefined; // net.ParseIP rejects zones
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string, allowV4Tail: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (const [i, g] of groups.entries()) {
      if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseV4Bytes(g);
        if (!v4) return undefined;
        out.push(...v4);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        const n = Number.parseInt(g, 16);
        out.push(n >> 8, n & 0xff);
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const all = parseGroups(halves[0]!, true);
    return all && all.length === 16 ? all : undefined;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 14) return undefined;
  return [...head, ...new Array<number>(16 - head.length - tail.length).fill(0), ...tail];
}

export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(':')) {
    const bytes = parseV6Bytes(text);
    if (!bytes) return undefined;
    return { bytes, isV4: V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b) };
  }
  const v4 = parseV4Bytes(text);
  return v4 ? { bytes: [...V4_MAPPED_PREFIX, ...v4], isV4: true } : undefined;
}

/** `net.ParseCIDR`: the prefix length is plain decimal within the address length; a bare IP is not a CIDR. */
export function parseCidr(text: string): ParsedIp | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const mask = text.slice(slash + 1);
  if (!ip || !/^\d+$/.test(mask)) return undefined;
  // Go keys the allowed length on the syntax (dotted = 32), not on To4(): `::ffff:1.2.3.4/120` is valid.
  const maxBits = text.slice(0, slash).includes(':') ? 128 : 32;
  return Number(mask) <= maxBits ? ip : undefined;
}

/**
 * Family of an address as kumactl sorts it. Inferred: kumactl uses Go's `To4() != nil`, so an IPv4-mapped IPv6
 * literal counts as IPv4.
 */
export const familyOf = (ip: ParsedIp): Family => (ip.isV4 ? 'ipv4' : 'ipv6');

/** Go `IP.IsLoopback`: 127.0.0.0/8 (also IPv4-mapped) or `::1`. */
export function isLoopback(ip: ParsedIp): boolean {
  if (ip.isV4) return ip.bytes[12] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** Go `net.IP.String()`: dotted for IPv4 (and mapped), RFC 5952 for IPv6 (first longest zero run of 2+ groups). */
export function formatIp(ip: ParsedIp): string {
  if (ip.isV4) return ip.bytes.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i]! << 8) | ip.bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
