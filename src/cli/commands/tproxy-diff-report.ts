import type { RuleDifference } from '../../iptables/drift.js';
import type { Family } from '../../model/family.js';
import type { ExpectedRuleSet } from '../../model/ruleset.js';

export interface DriftReport {
  /** The live file as given, `stdin` for `-`. */
  live: string;
  family: Family;
  kumaVersion: string;
  expected: ExpectedRuleSet;
  differences: RuleDifference[];
}

const countRules = (set: ExpectedRuleSet) => set.tables.reduce((n, t) => n + t.rules.length, 0);

/** One block per difference: what, where, then the expected and actual rule texts (`-` when there is none). */
export function formatDriftText(r: DriftReport): string {
  const subject = `${r.live} (${r.family})`;
  const rules = countRules(r.expected);
  if (r.differences.length === 0) {
    return `in sync: ${subject} holds the ${rules} Kuma-owned rules kumactl ${r.kumaVersion} would install\n`;
  }
  const lines = [
    `drift: ${subject} differs from the ${rules} rules kumactl ${r.kumaVersion} would install in ${r.differences.length} place${r.differences.length === 1 ? '' : 's'}`,
  ];
  for (const d of r.differences) {
    lines.push('', `${d.kind}: table ${d.table}, chain ${d.chain}, ${d.family}`);
    lines.push(`  expected: ${d.expected ?? '-'}`, `  actual:   ${d.actual ?? '-'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatDriftJson(r: DriftReport): string {
  const json = {
    inSync: r.differences.length === 0,
    live: r.live,
    family: r.family,
    kumaVersion: r.kumaVersion,
    expectedRules: countRules(r.expected),
    differences: r.differences.map((d) => ({
      kind: d.kind,
      table: d.table,
      chain: d.chain,
      family: d.family,
      expected: d.expected ?? null,
      actual: d.actual ?? null,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
