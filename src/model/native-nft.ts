/**
 * Native nftables, next to what iptables writes: the tables `nft list ruleset` shows that `*-save` does not
 * (firewalld's nftables backend, kube-proxy's nftables mode, a host's own nftables.service). Only what decides
 * whether they can take traffic away from Kuma's chains is kept.
 */

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

/** One rule as `nft -j` gives it: its statements, uninterpreted (nft-json.ts reads them). */
export interface NftRule {
  handle: number;
  expr: readonly unknown[];
}

export interface NftChain {
  name: string;
  /** Base chains only: where and when the kernel runs them. */
  base?: { type: string; hook: NftHook; priority: number; policy: 'accept' | 'drop' };
  rules: NftRule[];
}

export interface NftTable {
  family: NftFamily;
  name: string;
  chains: NftChain[];
}

export interface NativeNftRuleset {
  tables: NftTable[];
}

/** What the live read found: the ruleset, or why there is none (no `nft` on the host). */
export type NativeNftRead = { readonly ruleset: NativeNftRuleset } | { readonly unavailable: string };

/** How a foreign rule can take Kuma's traffic: send it elsewhere first, or drop it. */
export type ShadowEffect = 'redirect' | 'drop' | 'policy-drop' | 'drop-redirect-port';

/** Where a base chain sits: its table, its hook and when it runs there. */
export interface NftBaseChainRef {
  family: NftFamily;
  table: string;
  chain: string;
  hook: NftHook;
  type: string;
  priority: number;
}

/** A foreign base chain that can change the verdict for traffic Kuma redirects, and the rule that does it. */
export interface NftShadowing extends NftBaseChainRef {
  effect: ShadowEffect;
  /** The rule, in nft's own syntax as far as we render it, with its handle; absent for a drop policy. */
  rule?: string;
  handle?: number;
  /** The regular chain the rule is in, when reached by a jump or goto from the base chain. */
  via?: string;
}

/** A foreign base chain seen and judged harmless to Kuma's traffic: listed for context, never alerted on. */
export interface NftContextChain extends NftBaseChainRef {
  why: string;
}

export interface NativeNftReport {
  shadowing: NftShadowing[];
  context: NftContextChain[];
}
