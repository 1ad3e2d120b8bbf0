import { atLeast, type KumaVersion } from '../../versions.js';

/**
 * How a Kuma release handles DNS in nat (kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_nat.go at
 * v2.9.19 to v2.14.3). Everything else in the builder is identical from
 * 2.9.19 to 2.14.x.
 * - V1: 2.9.x, 2.10.x, 2.11.0-2.11.5, 2.12.0 - TCP/53 REDIRECT in KUMA_MESH_OUTBOUND
 * - V2: 2.11.6-2.11.8, 2.12.1-2.12.5, 2.13.0 - no TCP DNS handling at all
 * - V3: 2.11.9+, 2.12.6+, 2.13.1+ - OUTPUT append `tcp/53 not kuma-dp -> RETURN`
 * - V4: 2.14.0+ - as V3, and the loopback rules lose `! --dport 53` and `(except to DNS port 53)`
 * A version without a patch (`2.13`) means the newest patch of that line (versions.ts compares it as Infinity).
 */
export type DnsVariant = 'V1' | 'V2' | 'V3' | 'V4';

export function dnsVariant(v: KumaVersion): DnsVariant {
  if (atLeast(v, 2, 14)) return 'V4';
  if (atLeast(v, 2, 13)) return atLeast(v, 2, 13, 1) ? 'V3' : 'V2';
  if (atLeast(v, 2, 12)) {
    if (atLeast(v, 2, 12, 6)) return 'V3';
    return atLeast(v, 2, 12, 1) ? 'V2' : 'V1';
  }
  if (atLeast(v, 2, 11)) {
    if (atLeast(v, 2, 11, 9)) return 'V3';
    return atLeast(v, 2, 11, 6) ? 'V2' : 'V1';
  }
  // 2.9 and 2.10 (and anything older, which isSupported() rejects before we get here).
  return 'V1';
}

export interface DnsVariantTraits {
  /** Loopback rules 3 & 4 of KUMA_MESH_OUTBOUND carry `! --dport 53` when DNS is redirected (V1-V3). */
  loopbackSkipsDnsPort: boolean;
  /** Their comments say `(except to DNS port 53)`, whether or not DNS is redirected (V1-V3). */
  loopbackCommentMentionsDns: boolean;
  /** TCP/53 REDIRECT rules in KUMA_MESH_OUTBOUND, between the kuma-dp RETURN and the localhost RETURN (V1). */
  tcpDnsRedirectInMeshOutbound: boolean;
  /** nat OUTPUT append `-p tcp --dport 53 -m owner ! --uid-owner <uid> -j RETURN` (V3, V4). */
  tcpDnsReturnInOutput: boolean;
}

export function dnsVariantTraits(variant: DnsVariant): DnsVariantTraits {
  const old = variant !== 'V4';
  return {
    loopbackSkipsDnsPort: old,
    loopbackCommentMentionsDns: old,
    tcpDnsRedirectInMeshOutbound: variant === 'V1',
    tcpDnsReturnInOutput: variant === 'V3' || variant === 'V4',
  };
}
