/**
 * `tproxy diff` parses only the rule lines Kuma's drift check reads (src/iptables/live-scope.ts).
 * That must never change a result: for every distro golden, clean and with heavy foreign noise (foreign
 * chains, foreign rules before and after ours, a Kuma-commented rule in filter, Kuma chains renamed into
 * foreign ones), the differences are those of the whole file, and every parse error keeps its line number.
 */
import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { formatSave } from '../../src/iptables/format-save.js';
import { scopeLiveSave } from '../../src/iptables/live-scope.js';
import { asExpected } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { kubeProxySave } from '../iptables/foreign-fixtures.js';
import { loadDistroGoldens, withKumaRules } from '../iptables/goldens.js';
import { foreignRule, makeRule } from '../iptables/mutations.js';
import { decorateLikeSave } from '../iptables/save-decorations.js';
import { tempFile } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';

const goldens = withKumaRules(loadDistroGoldens());

/** Foreign chains and rules everywhere, including ahead of ours and in tables Kuma never writes to. */
function noisy(saved: SavedRuleSet): string {
  const set = structuredClone(saved);
  for (const [t, table] of set.tables.entries()) {
    table.chains.push({ name: 'KUBE-SVC-X', policy: '-' });
    for (let n = 0; n < 5; n++) table.rules.unshift(foreignRule('KUBE-SVC-X', n));
    for (const c of table.chains.filter((x) => x.policy !== '-')) {
      table.rules.unshift(foreignRule(c.name, t));
      table.rules.push(foreignRule(c.name, t + 1));
    }
  }
  const filter = parseSave(kubeProxySave).tables.find((t) => t.name === 'filter') ?? {
    name: 'filter',
    chains: [{ name: 'INPUT', policy: 'ACCEPT' }],
    rules: [],
  };
  filter.rules.push(
    makeRule('INPUT', ['-m', 'comment', '--comment', 'kuma/mesh/transparent/proxy/stray', '-j', 'ACCEPT']),
  );
  set.tables.push(filter);
  // Rules are grouped by chain in *-save output.
  for (const table of set.tables) {
    const order = new Map(table.chains.map((c, i) => [c.name, i]));
    table.rules.sort((a, b) => order.get(a.chain)! - order.get(b.chain)!);
  }
  return decorateLikeSave(formatSave(set), 3);
}

describe('scoping the live file changes no result', () => {
  it.each(goldens.map((g) => [g.id, g] as const))('%s', (_, g) => {
    const saved = parseSave(g.text);
    const expected = asExpected(saved, (r) => (r.chain === 'OUTPUT' ? 'insert' : 'append'));
    for (const text of [g.text, noisy(saved)]) {
      const whole = diffRuleSets(expected, parseSave(text), g.family);
      expect(diffRuleSets(expected, parseSave(scopeLiveSave(text).text), g.family)).toEqual(whole);
    }
    expect(diffRuleSets(expected, parseSave(noisy(saved)), g.family).map((d) => d.kind)).toContain('unexpected-rule');
  });

  it('keeps far fewer lines of a kube-proxy host', () => {
    const text = noisy(parseSave(goldens[0]!.text));
    expect(scopeLiveSave(text).text.split('\n').length).toBeLessThan(text.split('\n').length);
  });
});

describe('parse errors keep their line numbers', () => {
  const head = '*nat\n:PREROUTING ACCEPT\n:OUTPUT ACCEPT\n:KUBE-X -\n-A KUBE-X -j RETURN\n-A KUBE-X -j RETURN\n';
  it.each([
    [
      'a broken rule in a Kuma chain',
      `${head}-A KUMA_MESH_OUTBOUND -j RETURN\nCOMMIT\n`,
      'line 7: rule for chain KUMA_MESH_OUTBOUND',
    ],
    [
      'an unterminated quote in a foreign chain',
      `${head}-A KUBE-X -m comment --comment "open -j RETURN\nCOMMIT\n`,
      'line 7: ',
    ],
    ['a rule of an undeclared foreign chain', `${head}-A KUBE-Y -j RETURN\nCOMMIT\n`, 'line 7: rule for chain KUBE-Y'],
    ['a missing COMMIT after skipped rules', `${head}*filter\nCOMMIT\n`, 'line 7: table *nat (line 1) has no COMMIT'],
    [
      'a missing COMMIT after a table of skipped rules',
      '*filter\n:INPUT ACCEPT\n:F -\n-A F -j RETURN\n-A F -j RETURN\nCOMMIT\n*nat\n:OUTPUT ACCEPT\n*raw\nCOMMIT\n',
      'line 9: table *nat (line 7) has no COMMIT',
    ],
  ])('%s', async (_, text, message) => {
    const file = tempFile(text, '.save');
    const r = await runCli(['tproxy', 'diff', '--live', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`live ruleset ${file}, ${message}`);
  });
});
