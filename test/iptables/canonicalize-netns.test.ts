/**
 * The canonicaliser checked against real iptables 1.8.9: restore kumactl's restore-form text with
 * `--noflush`, read back with the matching `*-save`, and compare with the prediction. Both backends, both
 * families, into an empty namespace and into one that already holds foreign rules.
 */
import { expect, it } from 'vitest';
import { canonicalize } from '../../src/iptables/canonicalize.js';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { formatSaveTable } from '../../src/iptables/format-save.js';
import { isKumaOwned } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import type { BuiltRuleSet } from '../../src/tproxy/rules/built-rules.js';
import { formatRestore } from '../../src/tproxy/rules/format-restore.js';
import { describeWithNetns, type Netns } from '../support/netns.js';
import {
  BACKENDS,
  type Backend,
  FAMILIES,
  foreignRestore,
  save as saveText,
  TOOLS,
  tool,
} from '../support/netns-support.js';
import { loggingDnsServersRules } from './built-fixture-logging.js';
import { multipleFlagsRules } from './built-fixture-multiple-flags.js';
import { defaultRules, defaultRulesWithoutComments } from './built-fixtures.js';

const FIXTURES: Array<[string, (f: Family) => BuiltRuleSet]> = [
  ['default', (f) => defaultRules(f)],
  ['default without comments', defaultRulesWithoutComments],
  ['with-multiple-flags', (f) => multipleFlagsRules(f)],
  ['logging, DNS servers, mangle (log level 4)', (f) => loggingDnsServersRules(f, '4')],
];
const CASES = BACKENDS.flatMap((b) => FAMILIES.flatMap((f) => FIXTURES.map(([n, build]) => [b, f, n, build] as const)));

async function save(ns: Netns, backend: Backend, family: Family): Promise<SavedRuleSet> {
  return parseSave(await saveText(ns, backend, family));
}

/** Per table, the chains and rules Kuma does not own, in order. */
function foreignPart(set: SavedRuleSet): Record<string, { chains: string[]; rules: string[] }> {
  const out: Record<string, { chains: string[]; rules: string[] }> = {};
  for (const t of set.tables) {
    out[t.name] = {
      chains: t.chains
        .filter((c) => !c.name.startsWith('KUMA_MESH_'))
        .map((c) => `${c.name} ${c.policy}`)
        .sort(),
      rules: t.rules
        .filter(
          (r) => !isKumaOwned(r) && !r.args.includes('KUMA_MESH_INBOUND') && !r.args.includes('KUMA_MESH_OUTBOUND'),
        )
        .map((r) => r.text),
    };
  }
  return out;
}

await describeWithNetns('canonicalize against real iptables 1.8.9', TOOLS, (fresh) => {
  it.each(CASES)('%s %s %s: an empty namespace reads back exactly as predicted', async (backend, family, _, build) => {
    const built = build(family);
    const ns = await fresh();
    await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], formatRestore(built));
    const live = await save(ns, backend, family);
    const expected = canonicalize(built, 'modern');
    for (const table of expected.tables) {
      const got = live.tables.find((t) => t.name === table.name);
      expect(got && formatSaveTable(got)).toBe(formatSaveTable(table));
    }
    expect(live.tables.filter((t) => !expected.tables.some((e) => e.name === t.name)).flatMap((t) => t.rules)).toEqual(
      [],
    );
    expect(diffRuleSets(expected, live, family)).toEqual([]);
  });

  it.each(CASES)(
    '%s %s %s: on top of foreign rules, ours are in place and theirs unchanged',
    async (backend, family, _, build) => {
      const built = build(family);
      const ns = await fresh();
      await ns.exec(tool(backend, family, 'restore'), ['--wait=10'], foreignRestore(family));
      const before = await save(ns, backend, family);
      expect(before.tables.flatMap((t) => t.rules).length).toBeGreaterThan(5);
      await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], formatRestore(built));
      const after = await save(ns, backend, family);
      expect(diffRuleSets(canonicalize(built, 'modern'), after, family)).toEqual([]);
      const foreignBefore = foreignPart(before);
      const foreignAfter = foreignPart(after);
      for (const [name, part] of Object.entries(foreignBefore)) expect(foreignAfter[name]).toEqual(part);
    },
  );

  it.each(BACKENDS.flatMap((b) => FAMILIES.map((f) => [b, f] as const)))(
    '%s %s: a foreign rule inserted above ours afterwards shows as jump-displaced, appended ones do not',
    async (backend, family) => {
      const built = multipleFlagsRules(family);
      const ns = await fresh();
      await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], formatRestore(built));
      const later =
        '*nat\n-I OUTPUT 1 -p tcp -m tcp --dport 9 -j ACCEPT\n-A OUTPUT -p tcp -m tcp --dport 7 -j ACCEPT\nCOMMIT\n';
      await ns.exec(tool(backend, family, 'restore'), ['--wait=10', '--noflush'], later);
      const diff = diffRuleSets(canonicalize(built), await save(ns, backend, family), family);
      const inserted = built.tables[1]!.rules.filter((r) => r.chain === 'OUTPUT' && r.op === 'insert');
      expect(diff.map((d) => [d.kind, d.chain])).toEqual(inserted.map(() => ['jump-displaced', 'OUTPUT']));
    },
  );
});
