/**
 * The `iptables-restore --noflush` payload that turns the Kuma-owned state `from` into `to` and mentions nothing
 * else, so foreign rules keep their order and counters (unlike kumactl's full-table cleanup, kumahq/kuma
 * pkg/transparentproxy/iptables/setup.go@v2.14.3, cleanupIPvX, its cleanup restores whole tables without --noflush).
 * Per table, in an order iptables-restore accepts:
 *   1. `-D` our rules in other chains that must change (by exact spec: every rule matching it is ours);
 *   2. `:KUMA_MESH_X - [0:0]` for our chains that are new or change (creates, or flushes for a refill);
 *   3. `-F` then `-X` our chains that go away (their jumps are gone after 1 and 2);
 *   4. the rules of the chains of step 2;
 *   5. our rules in other chains: the `-I`-placed block at positions 1..k, then the `-A`-placed ones appended.
 * Each table is its own transaction in iptables-restore, so only tables that change appear; no change is ''.
 * Pure.
 */
import { isKumaChain } from '../iptables/model.js';
import { ruleKey } from '../iptables/rule-key.js';
import { renderRuleText } from '../iptables/words.js';
import { BUILT_IN_CHAINS, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { ExpectedRule, ExpectedRuleSet, SavedRule, SavedTable } from '../model/ruleset.js';
import { RulesError } from './errors.js';
import type { OwnedHostChain, OwnedRuleSet, OwnedTable } from './owned-state.js';

export interface TransitionOptions {
  namePrefix?: string;
}

export const EMPTY_TARGET: ExpectedRuleSet = Object.freeze({ tables: [] }) as ExpectedRuleSet;

export function buildTransition(
  from: OwnedRuleSet,
  to: ExpectedRuleSet | undefined,
  options: TransitionOptions = {},
): string {
  const target = to ?? EMPTY_TARGET;
  const prefix = options.namePrefix ?? KUMA_CHAIN_PREFIX;
  const names = [...new Set([...target.tables.map((t) => t.name), ...from.tables.map((t) => t.name)])];
  return names
    .map((name) =>
      tableTransition(
        from.tables.find((t) => t.name === name) ?? { name, chains: [], hostChains: [], foreignJumps: [] },
        target.tables.find((t) => t.name === name) ?? { name, chains: [], rules: [] },
        prefix,
      ),
    )
    .join('');
}

function tableTransition(from: OwnedTable, to: SavedTable<ExpectedRule>, prefix: string): string {
  const rulesOf = (chain: string) => to.rules.filter((r) => r.chain === chain);
  const toChains = meshChainsOf(to, prefix);
  const fromChains = new Map(from.chains.map((c) => [c.name, c.rules]));
  const write = toChains.filter((name) => !sameKeys(fromChains.get(name), rulesOf(name)));
  const drop = [...fromChains.keys()].filter((name) => !toChains.includes(name));
  refuseForeignReferences(from, drop);

  const hostNames = new Set([
    ...from.hostChains.map((c) => c.name),
    ...to.rules.filter((r) => !toChains.includes(r.chain)).map((r) => r.chain),
  ]);
  const rewrite = [...hostNames].filter((name) =>
    hostChainChanged(
      from.hostChains.find((c) => c.name === name),
      rulesOf(name),
    ),
  );
  if (write.length === 0 && drop.length === 0 && rewrite.length === 0) return '';

  const lines = [`*${to.name}`];
  for (const name of rewrite) {
    for (const { rule } of from.hostChains.find((c) => c.name === name)?.rules ?? []) {
      lines.push(ruleLine('-D', rule));
    }
  }
  for (const name of write) lines.push(`:${name} - [0:0]`);
  for (const name of drop) lines.push(`-F ${name}`);
  for (const name of drop) lines.push(`-X ${name}`);
  for (const name of write) for (const rule of rulesOf(name)) lines.push(ruleLine('-A', rule));
  for (const name of rewrite) {
    const rules = rulesOf(name);
    const top = topBlockSize(rules);
    rules.forEach((rule, i) => {
      lines.push(i < top ? ruleLine('-I', rule, i + 1) : ruleLine('-A', rule));
    });
  }
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

/** What stops `buildTransition(from, to)`: other tools' rules jumping into chains it would remove (for a refusal). */
export function foreignReferences(from: OwnedRuleSet, to: ExpectedRuleSet | undefined): string[] {
  const target = to ?? EMPTY_TARGET;
  return from.tables.flatMap((t) => {
    const keep = new Set(target.tables.find((x) => x.name === t.name)?.chains.map((c) => c.name) ?? []);
    return foreignReferenceProblems(
      t,
      t.chains.map((c) => c.name).filter((name) => !keep.has(name)),
    );
  });
}

/**
 * iptables cannot delete a chain another rule jumps to, and another tool's rule is not ours to delete (kumactl's
 * cleanup would drop every line mentioning KUMA_MESH, kumahq/kuma pkg/transparentproxy/iptables/setup.go@v2.14.3,
 * cleanupIPvX): say which rule is in the way.
 */
function foreignReferenceProblems(from: OwnedTable, drop: readonly string[]): string[] {
  return from.foreignJumps
    .filter((j) => drop.includes(j.target))
    .map(
      (j) =>
        `table ${from.name}: chain ${j.target} is to be removed, but another tool's rule "${j.rule.text}" jumps to it; ` +
        `kuma-gitops does not change other tools' rules: remove that rule (iptables -t ${from.name} -D ${j.rule.text.slice(3)}), then apply again`,
    );
}

function refuseForeignReferences(from: OwnedTable, drop: readonly string[]): void {
  const problems = foreignReferenceProblems(from, drop);
  if (problems.length > 0) {
    throw new RulesError('rules.foreign-reference', problems.join('; '), { table: from.name, problems });
  }
}

/** Our chains in `to`: every declared chain that is not built in; one without our prefix would never be found again. */
function meshChainsOf(to: SavedTable<ExpectedRule>, prefix: string): string[] {
  const names = to.chains.filter((c) => !BUILT_IN_CHAINS.has(c.name)).map((c) => c.name);
  for (const name of names) {
    if (!isKumaChain(name, prefix)) {
      throw new RulesError(
        'rules.invalid-target',
        `table ${to.name}: the target rules declare chain ${name}, which does not start with ${prefix}_, so it could ` +
          "not be told apart from other tools' chains later; this is a bug in kuma-gitops, please report it",
        { table: to.name, chain: name, namePrefix: prefix },
      );
    }
  }
  return names;
}

/**
 * Rules placed with `-I` belong above every foreign rule; kumactl interleaves them with `-A` rules only at the top,
 * so everything up to the last inserted rule is the block that goes to positions 1..k.
 */
function topBlockSize(rules: readonly ExpectedRule[]): number {
  let last = -1;
  rules.forEach((r, i) => {
    if (r.placement === 'insert') last = i;
  });
  return last + 1;
}

/** Our rules changed, or a rule that must be on top has a foreign rule above it (someone inserted later). */
function hostChainChanged(from: OwnedHostChain | undefined, want: readonly ExpectedRule[]): boolean {
  const have = from?.rules ?? [];
  if (
    !sameKeys(
      have.map((r) => r.rule),
      want,
    )
  )
    return true;
  const top = topBlockSize(want);
  return have.slice(0, top).some((r) => r.foreignBefore > 0);
}

function sameKeys(a: readonly SavedRule[] | undefined, b: readonly SavedRule[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  return a.every((r, i) => ruleKey(r) === ruleKey(b[i]!));
}

/** `-A|-D CHAIN args` or `-I CHAIN n args`, quoted as iptables-save prints, which iptables-restore reads back. */
function ruleLine(op: '-A' | '-D' | '-I', rule: SavedRule, position?: number): string {
  const rest = renderRuleText(rule.chain, rule.args).slice(`-A ${rule.chain}`.length);
  return `${op} ${rule.chain}${position === undefined ? '' : ` ${position}`}${rest}`;
}
