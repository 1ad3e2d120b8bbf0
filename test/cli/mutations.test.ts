/**
 * Drift classes through the CLI: every distro golden with Kuma rules, edited programmatically, is fed to
 * `tproxy diff --live - --output json` with its case's inputs. Goldens that are byte-identical and share the
 * version, case and family give the CLI identical input, so each such group runs once (the test name counts
 * the files it stands for); within a group every Kuma rule is deleted in turn, every rule with a port, uid
 * or zone gets one value changed, every adjacent pair of different rules in a Kuma chain is swapped.
 */
import { describe, expect, it } from 'vitest';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { type DistroGolden, loadDistroGoldens, withKumaRules } from '../iptables/goldens.js';
import {
  isJumpIntoKuma,
  kumaRules,
  makeRule,
  numericChanges,
  replaceRule,
  swappablePairs,
  swapRules,
  withForeignNoise,
  withoutRule,
} from '../iptables/mutations.js';
import { decorateLikeSave } from '../iptables/save-decorations.js';
import { distroDiffArgv } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';

interface Difference {
  kind: string;
  table: string;
  chain: string;
  family: string;
}

const groups = new Map<string, DistroGolden[]>();
for (const g of withKumaRules(loadDistroGoldens())) {
  const key = `${g.version}\0${g.scenario}\0${g.family}\0${g.text}`;
  groups.set(key, [...(groups.get(key) ?? []), g]);
}
const cases = [...groups.values()].map((list) => [`${list[0]!.id} (+${list.length - 1} identical)`, list[0]!] as const);

describe.each(cases)('%s', (_, golden) => {
  const saved = parseSave(golden.text);
  const owned = kumaRules(saved);
  const diff = async (live: SavedRuleSet | string) => {
    const stdin = typeof live === 'string' ? live : formatSave(live);
    const r = await runCli(distroDiffArgv(golden, '-'), { stdin });
    expect(r.err).toBe('');
    return { code: r.code, differences: (JSON.parse(r.out) as { differences: Difference[] }).differences };
  };
  const where = (ref: (typeof owned)[number]) => ({ table: saved.tables[ref.table]!.name, chain: ref.rule.chain });

  it('is in sync as it is', async () => expect(await diff(golden.text)).toEqual({ code: 0, differences: [] }));

  it('each deleted Kuma rule: exit 2, missing-rule (jump-missing for a jump into a Kuma chain)', async () => {
    expect(owned.length).toBeGreaterThan(5);
    for (const ref of owned) {
      const kind = isJumpIntoKuma(ref.rule) ? 'jump-missing' : 'missing-rule';
      const got = await diff(withoutRule(saved, ref));
      expect([ref.rule.text, got]).toEqual([
        ref.rule.text,
        { code: 2, differences: [expect.objectContaining({ kind, ...where(ref), family: golden.family })] },
      ]);
    }
  });

  it('each changed port, uid or zone: exit 2, changed-rule', async () => {
    const changed = owned.flatMap((ref) => numericChanges(ref.rule).map((rule) => [ref, rule] as const));
    expect(changed.length).toBeGreaterThan(3);
    for (const [ref, rule] of changed) {
      const got = await diff(replaceRule(saved, ref, rule));
      expect([rule.text, got]).toEqual([
        rule.text,
        { code: 2, differences: [expect.objectContaining({ kind: 'changed-rule', ...where(ref) })] },
      ]);
    }
  });

  it('two different rules swapped in a Kuma chain: exit 2, reordered', async () => {
    const pairs = swappablePairs(saved);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      const got = await diff(swapRules(saved, a, b));
      expect(got.code).toBe(2);
      expect(new Set(got.differences.map((d) => `${d.kind} ${d.table} ${d.chain}`))).toEqual(
        new Set([`reordered ${where(a).table} ${a.rule.chain}`]),
      );
    }
  });

  it('a jump into a Kuma chain removed, or stripped of its comment: exit 2, jump-missing', async () => {
    const jumps = owned.filter((ref) => isJumpIntoKuma(ref.rule) && ['PREROUTING', 'OUTPUT'].includes(ref.rule.chain));
    expect(jumps.length).toBe(2);
    for (const ref of jumps) {
      expect(await diff(withoutRule(saved, ref))).toEqual({
        code: 2,
        differences: [expect.objectContaining({ kind: 'jump-missing', ...where(ref) })],
      });
      const got = await diff(replaceRule(saved, ref, makeRule(ref.rule.chain, withoutComment(ref.rule.args))));
      expect(got.code).toBe(2);
      expect(got.differences.map((d) => d.kind).sort()).toEqual(['jump-missing', 'owned-rule-without-comment']);
    }
  });

  it('foreign tables, chains and rules after ours, counters, # lines, table order: exit 0', async () => {
    const noisy = withForeignNoise(saved);
    // As *-save prints them: rules grouped by chain, in declaration order.
    for (const table of noisy.tables) {
      table.rules.sort((a, b) => chainIndex(table, a.chain) - chainIndex(table, b.chain));
    }
    expect(await diff(decorateLikeSave(formatSave(noisy), 42))).toEqual({ code: 0, differences: [] });
  });
});

const chainIndex = (table: SavedRuleSet['tables'][number], chain: string) =>
  table.chains.findIndex((c) => c.name === chain);

/** The rule words without the `-m comment --comment X` group. */
function withoutComment(args: readonly string[]): string[] {
  const at = args.findIndex((w, i) => w === '-m' && args[i + 1] === 'comment' && args[i + 2] === '--comment');
  return at < 0 ? [...args] : [...args.slice(0, at), ...args.slice(at + 4)];
}
