import { KumaGitopsError } from '../../errors.js';
import type { Family } from '../../model/family.js';
import { familyOf, parseCidr } from '../../net/ip-address.js';

export interface VnetNetwork {
  iface: string;
  /** As written (printed verbatim, rules/rules.go). */
  cidr: string;
}

const utf8 = new TextEncoder();

/** Go string comparison: byte-wise over UTF-8 (`br+` < `docker0` < `docker2`). */
export function compareBytes(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * `VNet.Initialize` for one family (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3 and utils.go): split each
 * `iface:CIDR` at the first `:`, keep entries of
 * this family, key them by interface so a repeated interface keeps its last CIDR, and return them sorted
 * byte-wise by interface name. The interface name is not validated (`br+` is an iptables wildcard).
 * Inferred: the family filter runs before the map, so `eth0:10.0.0.0/8` and `eth0:fd00::/8` both survive.
 */
export function vnetNetworks(entries: readonly string[], family: Family): VnetNetwork[] {
  const byIface = new Map<string, string>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const iface = colon < 0 ? entry : entry.slice(0, colon);
    const cidr = colon < 0 ? '' : entry.slice(colon + 1);
    const parsed = colon < 0 ? undefined : parseCidr(cidr);
    if (!parsed) {
      // Message inferred: the reference only says a plain IP or a missing ':' is rejected.
      throw new KumaGitopsError(
        'tproxy.vnet.invalid',
        `invalid vnet network '${entry}': expected <interface>:<CIDR>, e.g. docker0:172.17.0.0/16`,
        { entry },
      );
    }
    if (familyOf(parsed) !== family) continue;
    byIface.set(iface, cidr);
  }
  return [...byIface.entries()]
    .map(([iface, cidr]) => ({ iface, cidr }))
    .sort((a, b) => compareBytes(a.iface, b.iface));
}
