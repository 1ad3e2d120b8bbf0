/**
 * What a native rule's matches say about the traffic it can act on: whether that can include the TCP and UDP
 * traffic Kuma redirects, and which destination ports it names. Conservative: a match we cannot read leaves the
 * rule able to match, so an unknown rule is reported rather than missed.
 */
import type { Family } from '../model/family.js';

export interface MatchFacts {
  canMatchKumaTraffic: boolean;
  /** Destination ports the rule names with `tcp dport`, `udp dport` or `th dport` (`th` counts for both). */
  dports: { tcp: Array<[number, number]>; udp: Array<[number, number]> };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Protocols carrying the traffic Kuma redirects, by name and IANA number. */
const KUMA_L4 = new Set<unknown>(['tcp', 'udp', 6, 17]);
/** Payload protocols that imply another transport: a match on their fields never matches TCP or UDP. */
const OTHER_L4 = new Set(['icmp', 'icmpv6', 'sctp', 'dccp', 'udplite', 'esp', 'ah', 'comp', 'igmp', 'gre']);
/** Connection states of packets that are not part of a valid connection; Kuma's redirect never sees them. */
const NOT_VALID = new Set(['invalid', 'untracked']);

/** The literal values of a match's right side; undefined when it names a set (`@name`) or something else. */
function values(right: unknown): unknown[] | undefined {
  if (typeof right === 'string') return right.startsWith('@') ? undefined : [right];
  if (typeof right === 'number') return [right];
  if (Array.isArray(right)) return right.flatMap((v) => values(v) ?? [undefined]);
  if (isObj(right) && 'set' in right) return values(right.set);
  if (isObj(right) && Array.isArray(right.range)) return [right];
  return undefined;
}

/** Port values as inclusive ranges; a single port is a range of one. */
function portRanges(vals: unknown[]): Array<[number, number]> {
  return vals.flatMap((v): Array<[number, number]> => {
    if (typeof v === 'number') return [[v, v]];
    if (isObj(v) && Array.isArray(v.range) && typeof v.range[0] === 'number' && typeof v.range[1] === 'number')
      return [[v.range[0], v.range[1]]];
    return [];
  });
}

/** Whether the rule names `port` as a destination port of `proto`. */
export const namesDport = (facts: MatchFacts, proto: 'tcp' | 'udp', port: number): boolean =>
  facts.dports[proto].some(([lo, hi]) => lo <= port && port <= hi);

export function matchFacts(expr: readonly unknown[], families: readonly Family[]): MatchFacts {
  const facts: MatchFacts = { canMatchKumaTraffic: true, dports: { tcp: [], udp: [] } };
  for (const s of expr) {
    if (!isObj(s) || !isObj(s.match)) continue;
    const { op, left, right } = s.match as { op?: unknown; left?: unknown; right?: unknown };
    if (!isObj(left)) continue;
    const positive = op === '==' || op === 'in';
    const vals = values(right);
    const meta = isObj(left.meta) ? left.meta.key : undefined;
    const payload = isObj(left.payload) ? left.payload : undefined;
    const ct = isObj(left.ct) ? left.ct.key : undefined;
    if (left.fib !== undefined)
      facts.canMatchKumaTraffic = false; // reverse-path checks: spoofed packets only
    else if (ct === 'state' && positive && vals?.every((v) => NOT_VALID.has(v as string)))
      facts.canMatchKumaTraffic = false;
    else if (meta === 'nfproto' && positive && vals) {
      const wanted = vals.map((v) => (v === 'ipv4' ? 'ipv4' : v === 'ipv6' ? 'ipv6' : undefined));
      if (!families.some((f) => wanted.includes(f))) facts.canMatchKumaTraffic = false;
    } else if (
      (meta === 'l4proto' || (payload && (payload.field === 'protocol' || payload.field === 'nexthdr'))) &&
      vals !== undefined
    ) {
      const hits = vals.some((v) => KUMA_L4.has(v));
      if (positive ? !hits : vals.includes('tcp') && vals.includes('udp')) facts.canMatchKumaTraffic = false;
    } else if (payload && typeof payload.protocol === 'string') {
      if (OTHER_L4.has(payload.protocol)) facts.canMatchKumaTraffic = false;
      else if (payload.field === 'dport' && positive && vals) {
        const listed = portRanges(vals);
        if (payload.protocol !== 'udp') facts.dports.tcp.push(...listed);
        if (payload.protocol !== 'tcp') facts.dports.udp.push(...listed);
      }
    }
  }
  return facts;
}
