/**
 * The Kuma-owned part of a live ruleset, per table: our chains with their rules, and our rules in other chains with
 * where they sit among the foreign rules. Ownership follows the drift check (iptables/drift.ts) and kumahq/kuma
 * pkg/transparentproxy/iptables/setup.go@v2.14.3, cleanupIPvX:
 * everything in a KUMA_MESH_* chain; in a built-in chain a rule with the kuma comment or a jump into one of our
 * chains (kumactl's comment-less installs), or a comment-less rule that the caller recognises as one of ours. In
 * another tool's chain only a rule with the kuma comment is ours (kumactl never writes there): a comment-less jump
 * into our chains there belongs to that tool, and is recorded so that nobody removes a chain it still uses.
 */
import { hasKumaComment, isKumaChain, ruleComment, ruleTarget } from '../iptables/model.js';
import { ruleKey } from '../iptables/rule-key.js';
import { BUILT_IN_CHAINS, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { ExpectedRule, ExpectedRuleSet, SavedRule, SavedRuleSet, SavedTable } from '../model/ruleset.js';

export interface OwnedChain {
  name: string;
  rules: SavedRule[];
}

export interface OwnedHostRule {
  rule: SavedRule;
  /** How many foreign rules of the chain come before it: 0 means it sits above all of them. */
  foreignBefore: number;
}

/** A chain that is not ours (a built-in, or another tool's) holding rules of ours. */
export interface OwnedHostChain {
  name: string;
  rules: OwnedHostRule[];
  /** Foreign rules in the chain, in total. */
  foreignCount: number;
}

/** A rule of another tool, in one of its own chains, that jumps into one of our chains. */
export interface ForeignJump {
  rule: SavedRule;
  target: string;
}

export interface OwnedTable {
  name: string;
  chains: OwnedChain[];
  hostChains: OwnedHostChain[];
  /** Not ours, never changed: a chain they jump to can be refilled but not removed. */
  foreignJumps: ForeignJump[];
}

/** Only tables holding something of ours appear. */
export interface OwnedRuleSet {
  tables: OwnedTable[];
}

export const EMPTY_OWNED: OwnedRuleSet = Object.freeze({ tables: [] }) as OwnedRuleSet;

export interface OwnedStateOptions {
  namePrefix?: string;
  /** Rule sets whose comment-less rules (comments.disabled) count as ours when found without a comment. */
  recognize?: readonly ExpectedRuleSet[];
}

export function extractOwned(live: SavedRuleSet, options: OwnedStateOptions = {}): OwnedRuleSet {
  const prefix = options.namePrefix ?? KUMA_CHAIN_PREFIX;
  const tables: OwnedTable[] = [];
  for (const table of live.tables) {
    const known = recognizedKeys(table.name, options.recognize ?? []);
    const isOurs = (r: SavedRule) =>
      hasKumaComment(r) ||
      isKumaChain(ruleTarget(r) ?? '', prefix) ||
      (ruleComment(r) === undefined && known.has(`${r.chain}\u0001${ruleKey(r)}`));
    const owned = ownedTable(table, prefix, isOurs);
    if (owned.chains.length > 0 || owned.hostChains.length > 0) tables.push(owned);
  }
  return { tables };
}

function ownedTable(table: SavedTable, prefix: string, isOurs: (r: SavedRule) => boolean): OwnedTable {
  const chains = table.chains
    .filter((c) => isKumaChain(c.name, prefix))
    .map((c) => ({ name: c.name, rules: table.rules.filter((r) => r.chain === c.name) }));
  const hostChains: OwnedHostChain[] = [];
  const foreignJumps: ForeignJump[] = [];
  for (const c of table.chains) {
    if (isKumaChain(c.name, prefix)) continue;
    const builtIn = BUILT_IN_CHAINS.has(c.name);
    const host: OwnedHostChain = { name: c.name, rules: [], foreignCount: 0 };
    for (const rule of table.rules.filter((r) => r.chain === c.name)) {
      if (builtIn ? isOurs(rule) : hasKumaComment(rule)) {
        host.rules.push({ rule, foreignBefore: host.foreignCount });
        continue;
      }
      host.foreignCount++;
      const target = ruleTarget(rule) ?? '';
      if (isKumaChain(target, prefix)) foreignJumps.push({ rule, target });
    }
    if (host.rules.length > 0) hostChains.push(host);
  }
  return { name: table.name, chains, hostChains, foreignJumps };
}

function recognizedKeys(table: string, sets: readonly ExpectedRuleSet[]): Set<string> {
  const keys = new Set<string>();
  for (const set of sets) {
    for (const r of set.tables.find((t) => t.name === table)?.rules ?? []) {
      keys.add(`${r.chain}\u0001${ruleKey(withoutComment(r))}`);
    }
  }
  return keys;
}

/** The rule's args without its `-m comment --comment X`, as it would look with comments disabled. */
export function withoutComment(rule: Pick<SavedRule, 'args'>): Pick<SavedRule, 'args'> {
  const args = [...rule.args];
  const at = args.findIndex((w, i) => w === '-m' && args[i + 1] === 'comment' && args[i + 2] === '--comment');
  if (at >= 0) args.splice(at, 4);
  return { args };
}

/**
 * The owned state as a target to return to (rollback, crash recovery). A rule that sat above every foreign rule
 * is put back on top (`insert`); any other is appended, so it may end up below foreign rules that followed it.
 * Rules in other tools' chains are not put back: only built-in chains are ours to add to.
 */
export function ownedAsExpected(owned: OwnedRuleSet): ExpectedRuleSet {
  return {
    tables: owned.tables.map((t) => {
      const host = t.hostChains.filter((c) => BUILT_IN_CHAINS.has(c.name));
      const rules: ExpectedRule[] = [
        ...host.flatMap((c) =>
          c.rules.map(({ rule, foreignBefore }) => ({
            ...rule,
            placement: foreignBefore === 0 ? ('insert' as const) : ('append' as const),
          })),
        ),
        ...t.chains.flatMap((c) => c.rules.map((r) => ({ ...r, placement: 'append' as const }))),
      ];
      const chains = [
        ...host.map((c) => ({ name: c.name, policy: 'ACCEPT' })),
        ...t.chains.map((c) => ({ name: c.name, policy: '-' })),
      ];
      return { name: t.name, chains, rules };
    }),
  };
}

/** Same rules of ours in the same chains and order; where foreign rules sit does not count. */
export function sameOwnedRules(a: OwnedRuleSet, b: OwnedRuleSet): boolean {
  return fingerprint(a) === fingerprint(b);
}

function fingerprint(owned: OwnedRuleSet): string {
  const parts: string[] = [];
  for (const t of [...owned.tables].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const chains = [
      ...t.chains.map((c) => [`:${c.name}`, ...c.rules.map(ruleKey)]),
      ...t.hostChains.map((c) => [`=${c.name}`, ...c.rules.map((r) => ruleKey(r.rule))]),
    ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
    parts.push(`*${t.name}`, ...chains.flat());
  }
  return parts.join('\u0000');
}
