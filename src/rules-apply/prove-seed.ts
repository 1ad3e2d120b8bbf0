/**
 * What a throw-away namespace is loaded with before a payload is tried there: the Kuma-owned `from` state only,
 * since foreign rules may name interfaces, ipsets or modules that do not exist there. Where foreign rules sat
 * among ours, a placeholder rule (a bare comment match) stands in, so the proof also shows that our `-I` rules land
 * above foreign ones and that foreign rules stay where they were. Foreign chains our rules jump to (DOCKER_OUTPUT)
 * are declared empty. Pure.
 */
import { isKumaChain, ruleComment, ruleTarget } from '../iptables/model.js';
import { renderRuleText } from '../iptables/words.js';
import { BUILT_IN_CHAINS, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { ExpectedRuleSet, SavedRule, SavedRuleSet } from '../model/ruleset.js';
import type { OwnedHostChain, OwnedRuleSet } from './owned-state.js';

export const PLACEHOLDER_COMMENT = 'kuma-gitops/prove/foreign-rule-placeholder';

export function buildProveSeed(
  from: OwnedRuleSet,
  to: ExpectedRuleSet,
  live: SavedRuleSet,
  namePrefix = KUMA_CHAIN_PREFIX,
): string {
  const names = [...new Set([...from.tables.map((t) => t.name), ...to.tables.map((t) => t.name)])];
  const sections: string[] = [];
  for (const name of names) {
    const owned = from.tables.find((t) => t.name === name);
    const liveChains = new Set(live.tables.find((t) => t.name === name)?.chains.map((c) => c.name));
    const isForeignChain = (chain: string) =>
      liveChains.has(chain) && !BUILT_IN_CHAINS.has(chain) && !isKumaChain(chain, namePrefix);
    const targets = [
      ...(owned?.hostChains.flatMap((c) => [c.name, ...c.rules.map((r) => ruleTarget(r.rule) ?? '')]) ?? []),
      ...(to.tables.find((t) => t.name === name)?.rules.map((r) => ruleTarget(r) ?? '') ?? []),
    ];
    const declared = [...new Set(targets.filter(isForeignChain)), ...(owned?.chains.map((c) => c.name) ?? [])];
    const rules = [
      ...(owned?.chains.flatMap((c) => c.rules.map((r) => r.text)) ?? []),
      ...(owned?.hostChains.flatMap(seedHostChain) ?? []),
    ];
    if (declared.length === 0 && rules.length === 0) continue;
    sections.push([`*${name}`, ...declared.map((c) => `:${c} - [0:0]`), ...rules, 'COMMIT'].join('\n'));
  }
  return sections.length === 0 ? '' : `${sections.join('\n')}\n`;
}

/** Our rules in order, with one placeholder for each run of foreign rules between them. */
function seedHostChain(chain: OwnedHostChain): string[] {
  const placeholder = renderRuleText(chain.name, ['-m', 'comment', '--comment', PLACEHOLDER_COMMENT]);
  const out: string[] = [];
  let seen = 0;
  for (const { rule, foreignBefore } of chain.rules) {
    if (foreignBefore > seen) out.push(placeholder);
    seen = foreignBefore;
    out.push(rule.text);
  }
  if (chain.foreignCount > seen) out.push(placeholder);
  return out;
}

export const isPlaceholder = (rule: SavedRule): boolean => ruleComment(rule) === PLACEHOLDER_COMMENT;

/** `table/chain` -> placeholders in it: they stand for foreign rules, which a payload must neither move nor delete. */
export function placeholderCounts(set: SavedRuleSet): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of set.tables) {
    for (const r of t.rules) {
      if (isPlaceholder(r)) counts[`${t.name}/${r.chain}`] = (counts[`${t.name}/${r.chain}`] ?? 0) + 1;
    }
  }
  return counts;
}
