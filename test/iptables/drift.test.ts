import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { asExpected } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { dockerSave, kubeProxySave } from './foreign-fixtures.js';
import { loadDistroGoldens, withKumaRules } from './goldens.js';
import {
  isJumpIntoKuma,
  kumaRules,
  numericChanges,
  replaceRule,
  swappablePairs,
  swapRules,
  withForeignNoise,
  withoutRule,
} from './mutations.js';
import { decorateLikeSave } from './save-decorations.js';

const goldens = withKumaRules(loadDistroGoldens()).map((g) => [g.id, g] as const);
const kinds = (expected: SavedRuleSet, live: SavedRuleSet, family: 'ipv4' | 'ipv6') =>
  diffRuleSets(asExpected(expected), live, family).map((d) => d.kind);

describe.each(goldens)('drift against %s', (_, golden) => {
  const saved = parseSave(golden.text);
  const expected = asExpected(saved);
  const diff = (live: SavedRuleSet) => diffRuleSets(expected, live, golden.family);
  const owned = kumaRules(saved);

  it('is clean against itself', () => expect(diff(saved)).toEqual([]));

  it('reports each deleted Kuma rule as missing (a jump into a Kuma chain as jump-missing)', () => {
    expect(owned.length).toBeGreaterThan(0);
    for (const ref of owned) {
      const want = isJumpIntoKuma(ref.rule) ? 'jump-missing' : 'missing-rule';
      expect(diff(withoutRule(saved, ref))).toEqual([
        {
          kind: want,
          family: golden.family,
          table: saved.tables[ref.table]!.name,
          chain: ref.rule.chain,
          expected: ref.rule.text,
        },
      ]);
    }
  });

  it('reports a changed port, uid or zone as changed-rule', () => {
    let changes = 0;
    for (const ref of owned) {
      for (const changed of numericChanges(ref.rule)) {
        changes++;
        const got = diff(replaceRule(saved, ref, changed));
        expect(got.map((d) => [d.kind, d.expected, d.actual])).toEqual([['changed-rule', ref.rule.text, changed.text]]);
      }
    }
    expect(changes).toBeGreaterThan(0);
  });

  it('reports two swapped rules in a Kuma chain as reordered', () => {
    const pairs = swappablePairs(saved);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      const got = diff(swapRules(saved, a, b));
      expect(got.length).toBeGreaterThan(0);
      expect(new Set(got.map((d) => d.kind))).toEqual(new Set(['reordered']));
    }
  });

  it('reports a removed jump from a built-in chain as jump-missing, and an uncommented one as not ours', () => {
    const jumps = owned.filter((ref) => isJumpIntoKuma(ref.rule) && ['PREROUTING', 'OUTPUT'].includes(ref.rule.chain));
    expect(jumps.length).toBeGreaterThan(0);
    for (const ref of jumps) {
      expect(diff(withoutRule(saved, ref)).map((d) => d.kind)).toEqual(['jump-missing']);
      const bare = { ...ref.rule, args: ref.rule.args.filter((_, i, a) => !inComment(a, i)), text: 'bare' };
      expect(
        diff(replaceRule(saved, ref, bare))
          .map((d) => d.kind)
          .sort(),
      ).toEqual(['jump-missing', 'owned-rule-without-comment']);
    }
  });

  it('reports a missing Kuma chain and an unexpected one', () => {
    const nat = saved.tables.findIndex((t) => t.name === 'nat');
    const gone = structuredClone(saved);
    const chain = 'KUMA_MESH_OUTBOUND_REDIRECT';
    gone.tables[nat]!.chains = gone.tables[nat]!.chains.filter((c) => c.name !== chain);
    gone.tables[nat]!.rules = gone.tables[nat]!.rules.filter((r) => r.chain !== chain);
    expect(diff(gone).map((d) => [d.kind, d.chain])).toContainEqual(['missing-chain', chain]);
    const extra = structuredClone(saved);
    extra.tables[nat]!.chains.push({ name: 'KUMA_MESH_LEFTOVER', policy: '-' });
    expect(diff(extra).map((d) => [d.kind, d.chain])).toEqual([['unexpected-chain', 'KUMA_MESH_LEFTOVER']]);
  });

  it('ignores foreign tables, chains and rules after our jumps, counters, # lines and declaration order', () => {
    const noisy = withForeignNoise(saved);
    expect(diff(noisy)).toEqual([]);
    expect(diff(parseSave(decorateLikeSave(golden.text, 99)))).toEqual([]);
  });
});

/** True for the words of a `-m comment --comment X` group. */
function inComment(args: readonly string[], i: number): boolean {
  for (let start = Math.max(0, i - 3); start <= i; start++) {
    if (args[start] === '-m' && args[start + 1] === 'comment' && args[start + 2] === '--comment') return i <= start + 3;
  }
  return false;
}

describe('the same kumactl version reads the same on every distro and backend', () => {
  const groups = new Map<string, (typeof goldens)[number][1][]>();
  for (const [, g] of goldens) {
    const key = `${g.version} ${g.scenario} ${g.family}`;
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  it.each([...groups.entries()].map(([key, list]) => [key, list] as const))('%s', (_, list) => {
    const reference = parseSave(list[0]!.text);
    for (const other of list.slice(1)) {
      // nft 1.8.2 prints `-p 6` and puts comments last; legacy adds empty tables: none of that is drift.
      expect([other.id, kinds(reference, parseSave(other.text), other.family)]).toEqual([other.id, []]);
    }
  });
});

describe('foreign-only hosts', () => {
  it.each([
    ['docker', dockerSave],
    ['kube-proxy', kubeProxySave],
  ])('%s: nothing of ours expected, nothing of ours found', (_, text) => {
    expect(kinds({ tables: [] }, parseSave(text), 'ipv4')).toEqual([]);
  });
});
