/**
 * Prints a ruleset in normalised iptables-save form, the way Kuma's CleanIptablesSaveOutput leaves it:
 * no `#` lines, no counters, table and chain order as held by the model, one trailing newline.
 */
import type { SavedRule, SavedRuleSet, SavedTable } from '../model/ruleset.js';

export function formatSaveTable(table: SavedTable): string {
  const lines = [`*${table.name}`];
  for (const chain of table.chains) lines.push(`:${chain.name} ${chain.policy}`);
  for (const rule of table.rules) lines.push(rule.text);
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

export function formatSave<R extends SavedRule>(set: SavedRuleSet<R>): string {
  return set.tables.map(formatSaveTable).join('');
}
