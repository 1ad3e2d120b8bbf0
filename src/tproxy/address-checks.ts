import { familyOf, parseCidr, parseIp } from '../net/ip-address.js';

/**
 * Validation of `excludePortsForIPs` entries and `redirect.vnet.networks` (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3 and utils.go). kumactl does
 * these checks in `Initialize`, after all sources are merged; we run them per source so the issue points at
 * the line that holds the bad value. Addresses are read by the same Go `net.ParseIP`/`net.ParseCIDR` port the
 * rule generator uses, so a value passes here exactly when the generator accepts it, and a vnet CIDR gets the
 * family the generator files it under.
 */

export type IpFamily = 4 | 6;

/**
 * One `excludePortsForIPs` entry: a comma list of IPs or CIDRs, blank pieces dropped. Returns kumactl's
 * messages. The reference elides the tail after `Expected format:`; ours names the accepted forms (inferred).
 */
export function checkExcludedIpsEntry(entry: string): string[] {
  // Whether kumactl trims before the emptiness test is not in the reference; a blank entry is treated as empty.
  if (entry.trim() === '') return ['invalid exclusion rule: the rule cannot be empty'];
  const messages: string[] = [];
  for (const piece of entry.split(',')) {
    const ip = piece.trim();
    if (ip === '') continue;
    if (parseIp(ip) === undefined && parseCidr(ip) === undefined) {
      messages.push(
        `invalid IP address: '${ip}'. Expected format: <ip> or <ip>/<prefix-length> (e.g. 10.0.0.1, 172.16.0.0/16, fe80::/10)`,
      );
    }
  }
  return messages;
}

export interface VnetNetwork {
  iface: string;
  cidr: string;
  family: IpFamily;
}

/**
 * One `iface:CIDR` entry, split at the first `:` (so `iface:::1/64` is IPv6). The interface name is not
 * validated (`br+` is a wildcard). kumactl's exact error texts are not in the reference; these are ours.
 */
export function parseVnetNetwork(entry: string): { ok: true; value: VnetNetwork } | { ok: false; message: string } {
  const colon = entry.indexOf(':');
  if (colon < 0) {
    return {
      ok: false,
      message: `invalid virtual network '${entry}': expected <interface>:<CIDR>, e.g. docker0:172.17.0.0/16`,
    };
  }
  const iface = entry.slice(0, colon);
  const cidr = entry.slice(colon + 1);
  const parsed = parseCidr(cidr);
  if (parsed === undefined) {
    return {
      ok: false,
      message: `invalid virtual network '${entry}': '${cidr}' is not a CIDR (an address/prefix-length is required)`,
    };
  }
  return { ok: true, value: { iface, cidr, family: familyOf(parsed) === 'ipv4' ? 4 : 6 } };
}
