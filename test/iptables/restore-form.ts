/**
 * Prints a BuiltRuleSet as kumactl's non-verbose restore file (REFERENCE §2.2-§2.3), only so the tests can feed
 * it to a real iptables-restore. The product's own printer lives with the generator.
 */
import { type BuiltRule, type BuiltRuleSet, COMMENT_PREFIX } from '../../src/tproxy/rules/built-rules.js';

/** Go's %q for the ASCII text kumactl's comments hold. */
function goQuote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function ruleLine(rule: BuiltRule): string {
  const head = rule.op === 'insert' ? ['-I', rule.chain, String(rule.position ?? 1)] : ['-A', rule.chain];
  const full = `${COMMENT_PREFIX}/${rule.comment}`;
  const comment = rule.comment === undefined ? [] : ['-m', 'comment', '--comment', goQuote(full.slice(0, 254))];
  return [...head, ...comment, ...rule.params].join(' ');
}

export function formatRestore(set: BuiltRuleSet): string {
  const tables = set.tables.map((t) =>
    [`* ${t.name}`, ...t.chains.map((c) => `-N ${c}`), ...t.rules.map(ruleLine), 'COMMIT'].join('\n'),
  );
  return `${tables.join('\n')}\n`;
}
