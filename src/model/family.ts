/**
 * The ground floor of the vocabulary: the address families and iptables tables Kuma's transparent proxy uses.
 * Types and constants only; imports nothing. Everything above names a family or a table with these.
 */
export type Family = 'ipv4' | 'ipv6';

/** IPv4 first: kumactl builds and applies IPv4, then IPv6 (kumahq/kuma pkg/transparentproxy/iptables/setup.go@v2.14.3). */
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** The tables kumactl writes (kumahq/kuma pkg/transparentproxy/iptables/builder/@v2.14.3). */
export type TableName = 'raw' | 'nat' | 'mangle';

/** Which iptables implementation reads and writes the rules: nf_tables (`iptables-nft`) or `iptables-legacy`. */
export type BackendMode = 'nft' | 'legacy';
