/**
 * Canonical iptables ruleset in iptables-save form, one per family. Two lifecycle stages share the shape: a
 * SavedRuleSet is what `*-save` printed (live host or golden file); an ExpectedRuleSet is what canonicalisation
 * predicts, and additionally knows how each rule got there. Types only; iptables/ reads and writes them.
 */
/** `-` for user chains; counters are never kept because they are not state we manage. */
export interface SavedChain {
  name: string;
  policy: string;
}

export interface SavedRule {
  chain: string;
  /** Tokens after `-A <chain>`, unquoted, in iptables-save spelling and order. */
  args: readonly string[];
  /** The whole `-A <chain> …` line as printed (counters stripped), so printing gives back what was read. */
  text: string;
}

/** How kumactl put a rule into its chain: `-I` rules must stay ahead of foreign rules, `-A` rules may follow them. */
export type RulePlacement = 'insert' | 'append';

export interface ExpectedRule extends SavedRule {
  placement: RulePlacement;
}

export interface SavedTable<R extends SavedRule = SavedRule> {
  name: string;
  /** Chain declarations in the order read or printed. */
  chains: SavedChain[];
  /** Rules in file order; iptables-save groups them by chain. */
  rules: R[];
}

export interface SavedRuleSet<R extends SavedRule = SavedRule> {
  tables: SavedTable<R>[];
}

export type ExpectedRuleSet = SavedRuleSet<ExpectedRule>;
