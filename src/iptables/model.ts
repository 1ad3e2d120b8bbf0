/**
 * Canonical iptables ruleset in iptables-save form (iptables 1.8.9's *-save output, as Kuma's goldens in
 * test/transparentproxy/testdata@v2.14.3 show it), one per family.
 * Two lifecycle stages share the shape: a SavedRuleSet is what `*-save` printed (live host or golden file);
 * an ExpectedRuleSet is what canonicalisation predicts, and additionally knows how each rule got there.
 */

import { COMMENT_PREFIX, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { ExpectedRuleSet, RulePlacement, SavedRule, SavedRuleSet, SavedTable } from '../model/ruleset.js';

export function isKumaChain(name: string, namePrefix = KUMA_CHAIN_PREFIX): boolean {
  return name.startsWith(`${namePrefix}_`);
}

export function ruleComment(rule: Pick<SavedRule, 'args'>): string | undefined {
  const at = rule.args.indexOf('--comment');
  return at >= 0 ? rule.args[at + 1] : undefined;
}

export function hasKumaComment(rule: Pick<SavedRule, 'args'>): boolean {
  return ruleComment(rule)?.startsWith(COMMENT_PREFIX) ?? false;
}

/** The `-j`/`-g` target, if any. */
export function ruleTarget(rule: Pick<SavedRule, 'args'>): string | undefined {
  for (let i = rule.args.length - 2; i >= 0; i--) {
    if (rule.args[i] === '-j' || rule.args[i] === '-g') return rule.args[i + 1];
  }
  return undefined;
}

export function isKumaOwned(rule: SavedRule, namePrefix = KUMA_CHAIN_PREFIX): boolean {
  return isKumaChain(rule.chain, namePrefix) || hasKumaComment(rule);
}

export function rulesOfChain<R extends SavedRule>(table: SavedTable<R>, chain: string): R[] {
  return table.rules.filter((r) => r.chain === chain);
}

export function findTable<R extends SavedRule>(set: SavedRuleSet<R>, name: string): SavedTable<R> | undefined {
  return set.tables.find((t) => t.name === name);
}

/** Treats a saved ruleset (e.g. a golden file) as the expectation; `placementOf` says which rules were `-I`. */
export function asExpected(
  set: SavedRuleSet,
  placementOf: (rule: SavedRule) => RulePlacement = () => 'append',
): ExpectedRuleSet {
  return {
    tables: set.tables.map((t) => ({ ...t, rules: t.rules.map((r) => ({ ...r, placement: placementOf(r) })) })),
  };
}
