/**
 * Programmatic edits of a saved ruleset, for drift tests over every golden: each returns a new ruleset and
 * leaves the input alone.
 */
import { isKumaChain, isKumaOwned, ruleTarget } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import { ruleKey } from '../../src/iptables/rule-key.js';
import { renderRuleText } from '../../src/iptables/words.js';
import type { SavedRule, SavedRuleSet } from '../../src/model/ruleset.js';
import { dockerSave } from './foreign-fixtures.js';

export interface RuleRef {
  table: number;
  index: number;
  rule: SavedRule;
}

export function kumaRules(set: SavedRuleSet): RuleRef[] {
  return set.tables.flatMap((t, table) =>
    t.rules.flatMap((rule, index) => (isKumaOwned(rule) ? [{ table, index, rule }] : [])),
  );
}

export function isJumpIntoKuma(rule: SavedRule): boolean {
  return isKumaChain(ruleTarget(rule) ?? '');
}

function edit(set: SavedRuleSet, table: number, fn: (rules: SavedRule[]) => void): SavedRuleSet {
  const copy = structuredClone(set);
  fn(copy.tables[table]!.rules);
  return copy;
}

export const withoutRule = (set: SavedRuleSet, ref: RuleRef) => edit(set, ref.table, (r) => r.splice(ref.index, 1));

export const replaceRule = (set: SavedRuleSet, ref: RuleRef, rule: SavedRule) =>
  edit(set, ref.table, (r) => r.splice(ref.index, 1, rule));

export const insertRule = (set: SavedRuleSet, table: number, index: number, rule: SavedRule) =>
  edit(set, table, (r) => r.splice(index, 0, rule));

export const swapRules = (set: SavedRuleSet, a: RuleRef, b: RuleRef) =>
  edit(set, a.table, (r) => {
    [r[a.index], r[b.index]] = [r[b.index]!, r[a.index]!];
  });

export function makeRule(chain: string, args: string[]): SavedRule {
  return { chain, args, text: renderRuleText(chain, args) };
}

const NUMERIC_OPTIONS = new Set(['--dport', '--dports', '--sport', '--to-ports', '--uid-owner', '--zone']);

/** Every variant of the rule with one port, uid or zone value changed to one no golden uses. */
export function numericChanges(rule: SavedRule): SavedRule[] {
  return rule.args.flatMap((word, i) => {
    if (!NUMERIC_OPTIONS.has(rule.args[i - 1] ?? '')) return [];
    const args = [...rule.args];
    args[i] = word === '61234' ? '61235' : '61234';
    return [makeRule(rule.chain, args)];
  });
}

/** Adjacent pairs of different rules in the same Kuma chain. */
export function swappablePairs(set: SavedRuleSet): Array<[RuleRef, RuleRef]> {
  const refs = kumaRules(set);
  return refs.flatMap((a, i) => {
    const b = refs[i + 1];
    const sameChain = b && b.table === a.table && b.rule.chain === a.rule.chain && isKumaChain(a.rule.chain);
    return sameChain && ruleKey(a.rule) !== ruleKey(b.rule) ? [[a, b] as [RuleRef, RuleRef]] : [];
  });
}

/** Rules a Docker / kube-proxy host adds, for any built-in or foreign chain. */
export function foreignRule(chain: string, n: number): SavedRule {
  const shapes = [
    ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'RETURN'],
    [
      '!',
      '-s',
      '10.244.0.0/16',
      '-p',
      'tcp',
      '-m',
      'comment',
      '--comment',
      'kube "svc" it\'s',
      '-m',
      'tcp',
      '--dport',
      '53',
      '-j',
      'RETURN',
    ],
    ['-s', '172.17.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE'],
    ['-p', 'udp', '-m', 'multiport', '--dports', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15', '-j', 'ACCEPT'],
  ];
  return makeRule(chain, shapes[n % shapes.length]!);
}

/**
 * What a busy host adds around Kuma's rules, none of which is drift: a foreign chain with a rule in every table,
 * two foreign rules after ours in every built-in chain, chain declarations and tables in reverse order, and
 * Docker's tables Kuma does not have. Rules stay where they were pushed (not grouped by chain).
 */
export function withForeignNoise(set: SavedRuleSet): SavedRuleSet {
  const noisy = structuredClone(set);
  for (const [t, table] of noisy.tables.entries()) {
    table.chains.push({ name: `FOREIGN-${t}`, policy: '-' });
    table.rules.push(foreignRule(`FOREIGN-${t}`, t));
    for (const builtIn of table.chains.filter((c) => c.policy !== '-')) {
      table.rules.push(foreignRule(builtIn.name, t + 1), foreignRule(builtIn.name, t + 2));
    }
    table.chains.reverse();
  }
  noisy.tables.reverse();
  noisy.tables.push(...parseSave(dockerSave).tables.filter((t) => !noisy.tables.some((n) => n.name === t.name)));
  return noisy;
}
