/**
 * How the tests look at a namespace's rules: `*-save` of the backend under test, per table (table order differs
 * between backends and histories, REFERENCE §2.9), with or without counters, and the foreign part only.
 */
import { expect } from 'vitest';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { BackendMode, Family } from '../../src/model/family.js';
import type { ExpectedRuleSet } from '../../src/model/ruleset.js';
import type { Netns } from '../support/netns.js';

export const BACKENDS: readonly BackendMode[] = ['nft', 'legacy'];
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
export const CASES = BACKENDS.flatMap((b) => FAMILIES.map((f) => [b, f] as const));

export const tool = (backend: BackendMode, family: Family, verb: 'save' | 'restore') =>
  `${family === 'ipv4' ? 'iptables' : 'ip6tables'}-${backend}-${verb}`;
export const TOOLS = CASES.flatMap(([b, f]) => [tool(b, f, 'save'), tool(b, f, 'restore')]);

export async function save(ns: Netns, backend: BackendMode, family: Family, counters = false): Promise<string> {
  return (await ns.exec(tool(backend, family, 'save'), counters ? ['-c'] : [])).stdout;
}

export async function restore(ns: Netns, backend: BackendMode, family: Family, text: string, flush = false) {
  await ns.exec(tool(backend, family, 'restore'), flush ? [] : ['--noflush'], text);
}

/** Table -> its lines, without `#` lines and (unless `counters`) without `[p:b]`. */
export function byTable(text: string, counters = false): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let table: string[] | undefined;
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) continue;
    if (raw.startsWith('*')) {
      table = [];
      out[raw.slice(1)] = table;
    }
    table?.push(counters ? raw : raw.replace(/^\[\d+:\d+\] /, '').replace(/ \[\d+:\d+\]$/, ''));
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * byTable without tables that hold nothing (no rules, no user chains, ACCEPT policies): such a table behaves as if
 * absent. A payload creates its table when the host has none, and removing our objects cannot delete the table.
 */
export function nonEmptyTables(text: string): Record<string, string[]> {
  const empty = (lines: string[]) => lines.every((l) => /^(\*\w+|COMMIT|:[A-Z]+ ACCEPT)$/.test(l));
  return Object.fromEntries(Object.entries(byTable(text)).filter(([, lines]) => !empty(lines)));
}

const isKumaLine = (line: string) => line.includes('KUMA_MESH') || line.includes('kuma/mesh/transparent/proxy');

/** Table -> the lines that are not Kuma's (none of our fixtures' foreign rules mention Kuma). */
export function foreignView(text: string, counters = false): Record<string, string[]> {
  const tables = byTable(text, counters);
  return Object.fromEntries(Object.entries(tables).map(([name, lines]) => [name, lines.filter((l) => !isKumaLine(l))]));
}

export async function expectInSync(ns: Netns, backend: BackendMode, family: Family, expected: ExpectedRuleSet) {
  expect(diffRuleSets(expected, parseSave(await save(ns, backend, family)), family)).toEqual([]);
}
