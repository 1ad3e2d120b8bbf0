import type { Family, TableName } from '../../model/family.js';

/**
 * The rule set kumactl's builder produces for one family (kumahq/kuma pkg/transparentproxy/iptables/builder/@v2.14.3),
 * before it is printed.
 * This is the hand-off between the generator (which knows Kuma) and the printers/canonicaliser (which know
 * iptables): restore form (builder.go, what `--dry-run` prints) and iptables-save form (iptables-save's spelling).
 */

export interface BuiltRule {
  chain: string;
  /** `-A` appends; `-I` inserts at `position` (computed for an empty chain, builder.go, insert positions). */
  op: 'append' | 'insert';
  position?: number;
  /** Comment text WITHOUT the `kuma/mesh/transparent/proxy/` prefix; undefined when comments are off. */
  comment?: string;
  /**
   * Builder parameters in builder order, as kumactl's non-verbose form prints them, e.g.
   * `['-p', 'tcp', '--dport', '53', '-m', 'owner', '--uid-owner', '5678', '-j', 'RETURN']`.
   * Negations are separate tokens (`'!'`). The comment is not included here.
   */
  params: string[];
}

export interface BuiltTable {
  name: TableName;
  /** Custom chains declared with `-N`, in declaration order (only nat has any). */
  chains: string[];
  /** Rules in the order the restore file prints them: built-in chains first (fixed order), then custom chains. */
  rules: BuiltRule[];
}

export interface BuiltRuleSet {
  family: Family;
  /** In file order: raw, nat, mangle; tables without rules are left out. */
  tables: BuiltTable[];
}
