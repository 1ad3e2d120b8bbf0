/**
 * A small model of `iptables-restore --noflush` over the save-form model, for pure tests of transition payloads:
 * `*table`, `:CHAIN` (create, or flush a user chain), `-N`, `-A`, `-I n`, `-D` by spec, `-F`, `-X` (empty and
 * unreferenced only), COMMIT. Jumps into KUMA_MESH_* chains must exist at COMMIT, as on nft. Table sections apply
 * one by one. It is checked against real iptables by the netns tests, which use the same payloads.
 */

import { isKumaChain, ruleTarget } from '../../src/iptables/model.js';
import { ruleKey } from '../../src/iptables/rule-key.js';
import { renderRuleText, splitWords } from '../../src/iptables/words.js';
import { BUILT_IN_CHAINS } from '../../src/model/ownership.js';
import type { SavedRule, SavedRuleSet, SavedTable } from '../../src/model/ruleset.js';

const BUILT_INS: Record<string, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export function simulateRestore(start: SavedRuleSet, payload: string): SavedRuleSet {
  const tables = new Map(start.tables.map((t) => [t.name, structuredClone(t)]));
  let open: SavedTable | undefined;
  for (const [index, line] of payload.split('\n').entries()) {
    const fail = (why: string) => new Error(`line ${index + 1} (${line}): ${why}`);
    const header = /^\*\s*(\w+)$/.exec(line);
    if (line.trim() === '') continue;
    if (header) {
      const name = header[1]!;
      const chains = (BUILT_INS[name] ?? []).map((c) => ({ name: c, policy: 'ACCEPT' }));
      open = structuredClone(tables.get(name) ?? { name, chains, rules: [] });
    } else if (!open) {
      throw fail('outside a table');
    } else if (line === 'COMMIT') {
      const missing = open.rules.map((r) => ruleTarget(r) ?? '').find((c) => isKumaChain(c) && !hasChain(open!, c));
      if (missing !== undefined) throw fail(`no chain ${missing}`);
      tables.set(open.name, open);
      open = undefined;
    } else {
      applyCommand(open, line, fail);
    }
  }
  if (open) throw new Error(`table ${open.name} has no COMMIT`);
  return { tables: [...tables.values()].map(groupByChain) };
}

const hasChain = (t: SavedTable, chain: string) => t.chains.some((c) => c.name === chain);

function applyCommand(t: SavedTable, line: string, fail: (why: string) => Error): void {
  const decl = /^:(\S+) (\S+)/.exec(line);
  if (decl) {
    if (!hasChain(t, decl[1]!)) t.chains.push({ name: decl[1]!, policy: decl[2]! });
    else if (!BUILT_IN_CHAINS.has(decl[1]!)) t.rules = t.rules.filter((r) => r.chain !== decl[1]);
    return;
  }
  const [op, chain = '', ...rest] = splitWords(line);
  if (!hasChain(t, chain) && op !== '-N') throw fail(`no chain ${chain}`);
  const rule = (args: string[]): SavedRule => ({ chain, args, text: renderRuleText(chain, args) });
  if (op === '-N') t.chains.push({ name: chain, policy: '-' });
  else if (op === '-A') t.rules.push(rule(rest));
  else if (op === '-I') t.rules.splice(insertAt(t, chain, Number(rest[0]), fail), 0, rule(rest.slice(1)));
  else if (op === '-D') {
    const at = t.rules.findIndex((r) => r.chain === chain && ruleKey(r) === ruleKey({ args: rest }));
    if (at < 0) throw fail('bad rule (does a matching rule exist in that chain?)');
    t.rules.splice(at, 1);
  } else if (op === '-F') t.rules = t.rules.filter((r) => r.chain !== chain);
  else if (op === '-X') {
    if (t.rules.some((r) => r.chain === chain || ruleTarget(r) === chain)) throw fail('chain in use or not empty');
    t.chains = t.chains.filter((c) => c.name !== chain);
  } else throw fail(`unknown command ${op}`);
}

/** Where `-I chain nth` puts a rule in the table's rule list (rules are regrouped by chain at the end). */
function insertAt(t: SavedTable, chain: string, nth: number, fail: (why: string) => Error): number {
  const positions = t.rules.flatMap((r, i) => (r.chain === chain ? [i] : []));
  if (!(nth >= 1 && nth <= positions.length + 1)) throw fail('index of insertion too big');
  return nth <= positions.length ? positions[nth - 1]! : t.rules.length;
}

/** iptables-save prints rules grouped by chain, in chain order. */
function groupByChain(t: SavedTable): SavedTable {
  return { ...t, rules: t.chains.flatMap((c) => t.rules.filter((r) => r.chain === c.name)) };
}
