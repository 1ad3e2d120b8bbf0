/**
 * Address spelling as iptables-save prints `-s`/`-d`: always with a prefix length, host bits cleared,
 * IPv6 compressed like glibc's inet_ntop (`10.0.0.1` → `10.0.0.1/32`, `::1/64` → `::/64`). Deliberately apart from
 * net/ip-address.ts (Go's net.ParseIP, what kumactl accepts): iptables reads dotted netmasks that Go rejects, and
 * glibc prints `::1.2.3.4` where Go prints `::102:304`.
 */
import type { Family } from '../model/family.js';

export class AddressError extends Error {}

export interface CanonicalAddress {
  text: string;
  prefix: number;
}

export function canonicalAddress(value: string, family: Family): CanonicalAddress {
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const mask = slash < 0 ? undefined : value.slice(slash + 1);
  return family === 'ipv4' ? canonicalV4(host, mask) : canonicalV6(host, mask);
}

function canonicalV4(host: string, mask: string | undefined): CanonicalAddress {
  const bits = parseV4(host);
  if (bits === undefined) throw new AddressError(`not an IPv4 address: ${host}`);
  const prefix = mask === undefined ? 32 : mask.includes('.') ? dottedPrefix(mask) : parsePrefix(mask, 32);
  const net = prefix === 0 ? 0 : (bits & (0xffffffff << (32 - prefix))) >>> 0;
  return { text: `${[24, 16, 8, 0].map((s) => (net >>> s) & 0xff).join('.')}/${prefix}`, prefix };
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function dottedPrefix(mask: string): number {
  const bits = parseV4(mask);
  if (bits === undefined) throw new AddressError(`not a netmask: ${mask}`);
  let prefix = 0;
  while (prefix < 32 && (bits >>> (31 - prefix)) & 1) prefix++;
  const contiguous = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if (bits !== contiguous) throw new AddressError(`non-contiguous netmask: ${mask}`);
  return prefix;
}

function parsePrefix(mask: string, max: number): number {
  if (!/^\d{1,3}$/.test(mask) || Number(mask) > max) throw new AddressError(`bad prefix length: /${mask}`);
  return Number(mask);
}

function canonicalV6(host: string, mask: string | undefined): CanonicalAddress {
  const words = parseV6(host);
  if (!words) throw new AddressError(`not an IPv6 address: ${host}`);
  const prefix = mask === undefined ? 128 : parsePrefix(mask, 128);
  const masked = words.map((w, i) => {
    const keep = Math.max(0, Math.min(16, prefix - i * 16));
    return keep === 0 ? 0 : w & ((0xffff << (16 - keep)) & 0xffff);
  });
  return { text: `${formatV6(masked)}/${prefix}`, prefix };
}

function parseV6(text: string): number[] | undefined {
  let head = text;
  const tail: number[] = [];
  if (text.includes('.')) {
    const at = text.lastIndexOf(':');
    const v4 = at < 0 ? undefined : parseV4(text.slice(at + 1));
    if (v4 === undefined) return undefined;
    tail.push(v4 >>> 16, v4 & 0xffff);
    head = text.slice(0, at + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...left, ...right].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const known = left.length + right.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const zeros = new Array<number>(8 - known).fill(0);
  return [...left.map((g) => Number.parseInt(g, 16)), ...zeros, ...right.map((g) => Number.parseInt(g, 16)), ...tail];
}

/** A port of glibc inet_ntop6: the longest run (>= 2) of zero words becomes `::`; v4-mapped prints dotted. */
function formatV6(words: number[]): string {
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  words.forEach((w, i) => {
    if (w !== 0) cur = { base: -1, len: 0 };
    else cur = cur.base < 0 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
    if (cur.len > best.len) best = cur;
  });
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ':';
  return out;
}
