/**
 * Drift between the rules Kuma should have and what a host shows, scoped to what Kuma owns: the KUMA_MESH_*
 * chains, and the rules in built-in chains that carry the kuma comment or jump into a Kuma chain. Foreign
 * objects, counters, table order and chain-declaration order never count.
 */
import type { Family } from '../model/family.js';
import { BUILT_IN_CHAINS, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { ExpectedRule, ExpectedRuleSet, SavedRule, SavedRuleSet, SavedTable } from '../model/ruleset.js';
import { alignSequences } from './align-sequences.js';
import { findTable, hasKumaComment, isKumaChain, rulesOfChain, ruleTarget } from './model.js';
import { ruleKey } from './rule-key.js';

export type RuleDifferenceKind =
  | 'missing-chain'
  | 'unexpected-chain'
  | 'missing-rule'
  | 'unexpected-rule'
  | 'changed-rule'
  | 'reordered'
  | 'jump-missing'
  | 'jump-displaced'
  | 'owned-rule-without-comment';

export interface RuleDifference {
  kind: RuleDifferenceKind;
  family: Family;
  table: string;
  chain: string;
  /** `-A …` (or `:CHAIN -` for chains) as expected / as found. */
  expected?: string;
  actual?: string;
}

export interface DiffOptions {
  namePrefix?: string;
}

type Report = (kind: RuleDifferenceKind, texts: { expected?: string; actual?: string }) => void;

/** One chain seen from both sides. */
interface ChainPair {
  chain: string;
  expected: ExpectedRule[];
  live: SavedRule[];
  declared: { expected: boolean; live: boolean };
  /** Whether a rule jumps into one of Kuma's chains. */
  isJump: (r: SavedRule) => boolean;
  report: Report;
}

export function diffRuleSets(
  expected: ExpectedRuleSet,
  live: SavedRuleSet,
  family: Family,
  options: DiffOptions = {},
): RuleDifference[] {
  const prefix = options.namePrefix ?? KUMA_CHAIN_PREFIX;
  const names = [...new Set([...expected.tables, ...live.tables].map((t) => t.name))];
  const out: RuleDifference[] = [];
  for (const name of names) {
    const want: SavedTable<ExpectedRule> = findTable(expected, name) ?? { name, chains: [], rules: [] };
    const have: SavedTable = findTable(live, name) ?? { name, chains: [], rules: [] };
    const userChains = new Set(want.chains.filter((c) => c.policy === '-').map((c) => c.name));
    const isJump = (r: SavedRule) => {
      const target = ruleTarget(r) ?? '';
      return isKumaChain(target, prefix) || userChains.has(target);
    };
    for (const chain of chainsToCompare(want, have, prefix)) {
      const pair: ChainPair = {
        chain,
        expected: rulesOfChain(want, chain),
        live: rulesOfChain(have, chain),
        declared: { expected: hasChain(want, chain), live: hasChain(have, chain) },
        isJump,
        report: (kind, texts) => out.push({ kind, family, table: name, chain, ...texts }),
      };
      if (BUILT_IN_CHAINS.has(chain)) diffBuiltInChain(pair);
      else diffKumaChain(pair);
    }
  }
  return out;
}

function hasChain(table: SavedTable, chain: string): boolean {
  return table.chains.some((c) => c.name === chain);
}

/** Expected chains, then live Kuma chains and the live built-ins that hold rules Kuma might own. */
function chainsToCompare(want: SavedTable<ExpectedRule>, have: SavedTable, prefix: string): string[] {
  const names = want.chains
    .filter((c) => c.policy === '-' || want.rules.some((r) => r.chain === c.name))
    .map((c) => c.name);
  for (const c of have.chains) if (isKumaChain(c.name, prefix)) names.push(c.name);
  for (const r of have.rules) {
    const ours = hasKumaComment(r) || isKumaChain(ruleTarget(r) ?? '', prefix);
    if (BUILT_IN_CHAINS.has(r.chain) && ours) names.push(r.chain);
  }
  return [...new Set(names)];
}

/** Every rule in a Kuma chain is ours, and so is their order. */
function diffKumaChain(pair: ChainPair): void {
  if (!pair.declared.live) pair.report('missing-chain', { expected: `:${pair.chain} -` });
  else if (!pair.declared.expected) pair.report('unexpected-chain', { actual: `:${pair.chain} -` });
  else compareOwned(pair, pair.live);
}

/**
 * In a built-in chain only our rules are compared, in order. Inserted rules must also sit above every foreign
 * rule (kumactl put them at the top); appended ones may come after foreign rules.
 */
function diffBuiltInChain(pair: ChainPair): void {
  const expectedKeys = new Set(pair.expected.map(ruleKey));
  // Without comments (comments.disabled) our rules are still ours when they are exactly what we expect.
  const kinds = pair.live.map((r) => {
    if (hasKumaComment(r) || expectedKeys.has(ruleKey(r))) return 'owned';
    return pair.isJump(r) ? 'uncommented-jump' : 'foreign';
  });
  pair.live.forEach((r, i) => {
    if (kinds[i] === 'uncommented-jump') pair.report('owned-rule-without-comment', { actual: r.text });
  });
  const owned = pair.live.filter((_, i) => kinds[i] === 'owned');
  const firstForeign = kinds.indexOf('foreign');
  for (const [e, a] of compareOwned(pair, owned)) {
    const want = pair.expected[e]!;
    if (want.placement === 'insert' && firstForeign >= 0 && pair.live.indexOf(owned[a]!) > firstForeign) {
      pair.report('jump-displaced', { expected: want.text, actual: owned[a]!.text });
    }
  }
}

/** Aligns our expected rules with the live rules we own; returns the pairs that are in place. */
function compareOwned(pair: ChainPair, actual: SavedRule[]): Array<[number, number]> {
  const { expected, report } = pair;
  const aligned = alignSequences(expected.map(ruleKey), actual.map(ruleKey));
  const both = (e: number, a: number) => ({ expected: expected[e]!.text, actual: actual[a]!.text });
  for (const [e, a] of aligned.reordered) report('reordered', both(e, a));
  for (const [e, a] of aligned.changed) report('changed-rule', both(e, a));
  for (const e of aligned.missing) {
    report(pair.isJump(expected[e]!) ? 'jump-missing' : 'missing-rule', { expected: expected[e]!.text });
  }
  for (const a of aligned.unexpected) report('unexpected-rule', { actual: actual[a]!.text });
  return aligned.matched;
}
