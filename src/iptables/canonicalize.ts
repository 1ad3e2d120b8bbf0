/**
 * Predicts what iptables 1.8.x prints after `iptables-restore --noflush` of kumactl's rules into an EMPTY
 * namespace (kumahq/kuma pkg/transparentproxy/iptables/builder/builder.go@v2.14.3, iptables-save's spelling): `-I`
 * positions resolved into final order, every rule in save spelling,
 * chains in the backend's order. Each rule remembers whether it was inserted or appended, for the drift check.
 */

import type { Family } from '../model/family.js';
import { BUILT_IN_CHAIN_ORDER } from '../model/ownership.js';
import type { ExpectedRule, ExpectedRuleSet, SavedChain, SavedTable } from '../model/ruleset.js';
import type { BuiltRuleSet, BuiltTable } from '../tproxy/rules/built-rules.js';
import { commentBytes } from '../tproxy/rules/comments.js';
import { canonicalizeRuleArgs } from './canonicalize-rule.js';
import { CanonicalizeError } from './errors.js';
import { renderRuleText } from './words.js';

/**
 * 'modern': legacy, and nft from 1.8.7 on: built-ins, then user chains sorted by name.
 * 'nft-1.8.4': older nft (RHEL 8, Ubuntu 20.04; Debian 10's 1.8.2 too): nat lists POSTROUTING before OUTPUT,
 * user chains in creation order.
 */
export type ChainOrdering = 'modern' | 'nft-1.8.4';

/** Built-ins print in kumactl's order (BUILT_IN_CHAIN_ORDER) but for old nft's nat. */
const OLD_NFT_NAT = ['PREROUTING', 'INPUT', 'POSTROUTING', 'OUTPUT'];
const utf8 = new TextDecoder();

export function canonicalize(built: BuiltRuleSet, ordering: ChainOrdering = 'modern'): ExpectedRuleSet {
  return { tables: built.tables.map((table) => canonicalizeTable(table, built.family, ordering)) };
}

function canonicalizeTable(table: BuiltTable, family: Family, ordering: ChainOrdering): SavedTable<ExpectedRule> {
  const builtIns = ordering === 'nft-1.8.4' && table.name === 'nat' ? OLD_NFT_NAT : BUILT_IN_CHAIN_ORDER[table.name];
  const userChains = ordering === 'modern' ? [...table.chains].sort(byteOrder) : table.chains;
  const chains: SavedChain[] = [
    ...builtIns.map((name) => ({ name, policy: 'ACCEPT' })),
    ...userChains.map((name) => ({ name, policy: '-' })),
  ];
  const byChain = new Map<string, ExpectedRule[]>(chains.map((c) => [c.name, []]));

  for (const rule of table.rules) {
    // The comment as kumactl cut it (254 bytes, kumahq/kuma pkg/transparentproxy/iptables/rules/rules.go@v2.14.3), read
    // back as text.
    const params =
      rule.comment === undefined
        ? rule.params
        : ['-m', 'comment', '--comment', utf8.decode(commentBytes(rule.comment)), ...rule.params];
    const fail = (reason: string): never => {
      throw new CanonicalizeError(rule.chain, params, reason);
    };
    const list =
      byChain.get(rule.chain) ?? fail(`chain ${rule.chain} is neither built into ${table.name} nor declared`);
    const args = canonicalizeRuleArgs(rule.chain, params, family);
    const expected: ExpectedRule = {
      chain: rule.chain,
      args,
      text: renderRuleText(rule.chain, args),
      placement: rule.op,
    };
    if (rule.op === 'append') {
      list.push(expected);
      continue;
    }
    const position = rule.position ?? 1;
    // Same limit as iptables: "Index of insertion too big".
    if (!Number.isInteger(position) || position < 1 || position > list.length + 1) {
      fail(`insert position ${position} is outside 1..${list.length + 1}`);
    }
    list.splice(position - 1, 0, expected);
  }
  return { name: table.name, chains, rules: chains.flatMap((c) => byChain.get(c.name)!) };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
