/**
 * Drift rules that need to know how kumactl placed a rule (-I vs -A), so they run on canonicalised fixtures
 * rather than goldens (a saved file does not say which rules were inserted).
 */
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/iptables/canonicalize.js';
import { diffRuleSets } from '../../src/iptables/drift.js';
import type { Family } from '../../src/model/family.js';
import { BUILT_IN_CHAINS } from '../../src/model/ownership.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import type { BuiltRuleSet } from '../../src/tproxy/rules/built-rules.js';
import { loggingDnsServersRules } from './built-fixture-logging.js';
import { multipleFlagsRules } from './built-fixture-multiple-flags.js';
import { defaultRules, defaultRulesWithoutComments } from './built-fixtures.js';
import { foreignRule, insertRule, makeRule, withoutRule } from './mutations.js';

const FIXTURES: Array<[string, (f: Family) => BuiltRuleSet]> = [
  ['default', (f) => defaultRules(f)],
  ['default without comments', defaultRulesWithoutComments],
  ['with-multiple-flags', (f) => multipleFlagsRules(f)],
  ['logging, DNS servers, mangle', (f) => loggingDnsServersRules(f, '7')],
];
const CASES = FIXTURES.flatMap(([name, build]) => (['ipv4', 'ipv6'] as const).map((f) => [name, f, build] as const));

describe.each(CASES)('%s %s', (_, family, build) => {
  const expected = canonicalize(build(family));
  const live: SavedRuleSet = structuredClone(expected);
  const diff = (l: SavedRuleSet) => diffRuleSets(expected, l, family);
  const builtInChains = expected.tables.flatMap((t, table) =>
    [...new Set(t.rules.map((r) => r.chain))].filter((c) => BUILT_IN_CHAINS.has(c)).map((chain) => ({ table, chain })),
  );

  it('is clean against its own prediction', () => expect(diff(live)).toEqual([]));

  it.each(builtInChains.map((c) => [`${expected.tables[c.table]!.name} ${c.chain}`, c] as const))(
    '%s: a foreign rule above our inserted rules displaces exactly those, one below or between appends does not',
    (_, { table, chain }) => {
      const rules = expected.tables[table]!.rules;
      const first = rules.findIndex((r) => r.chain === chain);
      const ours = rules.filter((r) => r.chain === chain);
      const top = diff(insertRule(live, table, first, foreignRule(chain, 0)));
      expect(top.map((d) => d.expected)).toEqual(ours.filter((r) => r.placement === 'insert').map((r) => r.text));
      expect(new Set(top.map((d) => d.kind))).toEqual(new Set(top.length ? ['jump-displaced'] : []));
      const afterInserts = first + ours.filter((r) => r.placement === 'insert').length;
      expect(diff(insertRule(live, table, afterInserts, foreignRule(chain, 1)))).toEqual([]);
      expect(diff(insertRule(live, table, first + ours.length, foreignRule(chain, 2)))).toEqual([]);
    },
  );

  it('reports a Kuma-looking rule added to a Kuma chain as unexpected-rule', () => {
    const nat = expected.tables.findIndex((t) => t.name === 'nat');
    const end = expected.tables[nat]!.rules.length;
    const extra = makeRule('KUMA_MESH_OUTBOUND_REDIRECT', ['-p', 'udp', '-j', 'REDIRECT', '--to-ports', '1']);
    expect(diff(insertRule(live, nat, end, extra)).map((d) => [d.kind, d.actual])).toEqual([
      ['unexpected-rule', extra.text],
    ]);
  });

  it('tells a missing built-in rule from a missing jump, with or without comments', () => {
    for (const [t, table] of expected.tables.entries()) {
      table.rules.forEach((rule, index) => {
        if (!BUILT_IN_CHAINS.has(rule.chain)) return;
        const kind = rule.args.at(-1)?.startsWith('KUMA_MESH_') ? 'jump-missing' : 'missing-rule';
        expect(diff(withoutRule(live, { table: t, index, rule })).map((d) => d.kind)).toEqual([kind]);
      });
    }
  });
});
