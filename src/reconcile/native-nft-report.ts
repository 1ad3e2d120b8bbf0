/**
 * The native nftables picture of a host against its target: foreign base chains that can take Kuma's traffic
 * (the `shadowed` drift class) and those judged harmless (context for `plan --output json`). Pure.
 */
import { findShadowing, kumaRedirectsOf } from '../iptables/nft-shadowing.js';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { NativeNftReport, NftShadowing, ShadowEffect } from '../model/native-nft.js';

export type NativeNftView = NativeNftReport | { unavailable: string };

export function nativeNftReport(target: HostTarget, live: LiveState): NativeNftView {
  if (live.nft === undefined) return { unavailable: 'native nftables were not read' };
  if ('unavailable' in live.nft) return { unavailable: live.nft.unavailable };
  return findShadowing(live.nft.ruleset, kumaRedirectsOf(target.rules.expected));
}

const EFFECT: Readonly<Record<ShadowEffect, string>> = {
  redirect: "redirects or DNATs traffic before Kuma's nat chains see it",
  drop: "drops or rejects TCP or UDP traffic before Kuma's nat chains see it",
  'policy-drop': "drops by policy what it does not accept, before Kuma's nat chains see it",
  'drop-redirect-port': "drops or rejects connections to Kuma's redirect ports",
};

/** One line naming the table, chain, priority and rule, e.g. for an alert. */
export function describeShadowing(s: NftShadowing): string {
  const rule = s.rule === undefined ? '' : `: ${s.rule} (handle ${s.handle}${s.via ? `, in chain ${s.via}` : ''})`;
  return `table ${s.family} ${s.table} chain ${s.chain} (type ${s.type} hook ${s.hook} priority ${s.priority}) ${EFFECT[s.effect]}${rule}`;
}
