/**
 * Real iptables for the CLI tests: load `tproxy rules` output into a throw-away namespace, read it back with
 * the backend's `*-save`, and tell our rules from everyone else's.
 */
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { dockerSave, firewalldSave, kubeProxySave } from '../iptables/foreign-fixtures.js';
import { foreignIpv6Restore } from '../iptables/foreign-ipv6-fixture.js';
import type { Netns } from './netns.js';

export type Backend = 'nft' | 'legacy';
export const BACKENDS: readonly Backend[] = ['nft', 'legacy'];
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export const tool = (backend: Backend, family: Family, verb: 'restore' | 'save') =>
  `${family === 'ipv4' ? 'iptables' : 'ip6tables'}-${backend}-${verb}`;

export const TOOLS = BACKENDS.flatMap((b) => FAMILIES.flatMap((f) => [tool(b, f, 'restore'), tool(b, f, 'save')]));

/** The per-family restore files inside `--dry-run` text: each `### IPvN ###` header and its blank line cut off. */
export function splitDryRun(text: string): Partial<Record<Family, string>> {
  const out: Partial<Record<Family, string>> = {};
  for (const block of text.split(/^(?=### IPv[46] ###$)/m)) {
    const m = /^### IPv([46]) ###\n\n([\s\S]*?)\n*$/.exec(block);
    if (!m) throw new Error(`not a dry-run block: ${JSON.stringify(block.slice(0, 40))}`);
    out[m[1] === '4' ? 'ipv4' : 'ipv6'] = `${m[2]}\n`;
  }
  return out;
}

/** Docker's nat and filter (with DOCKER_OUTPUT), firewalld's raw, kube-proxy's mangle; IPv6 likewise. */
export function foreignRestore(family: Family): string {
  if (family === 'ipv6') return foreignIpv6Restore;
  const pick = (text: string, name: string) => parseSave(text).tables.filter((t) => t.name === name);
  return formatSave({
    tables: [
      ...pick(dockerSave, 'filter'),
      ...pick(dockerSave, 'nat'),
      ...pick(firewalldSave, 'raw'),
      ...pick(kubeProxySave, 'mangle'),
    ],
  });
}

export async function save(ns: Netns, backend: Backend, family: Family): Promise<string> {
  return (await ns.exec(tool(backend, family, 'save'), [])).stdout;
}

/**
 * Per table, the chain declarations and rule lines that are not ours, in order. Ours are the lines of our
 * own save form (so rules without comments count too), each taken once, and the KUMA_MESH_* chains.
 */
export function foreignPart(live: SavedRuleSet, ours: SavedRuleSet): Record<string, string[]> {
  const mine = new Map<string, number>();
  for (const t of ours.tables)
    for (const r of t.rules) mine.set(`${t.name} ${r.text}`, (mine.get(`${t.name} ${r.text}`) ?? 0) + 1);
  const out: Record<string, string[]> = {};
  for (const t of live.tables) {
    const lines = t.chains.filter((c) => !c.name.startsWith('KUMA_MESH_')).map((c) => `:${c.name} ${c.policy}`);
    for (const r of t.rules) {
      const key = `${t.name} ${r.text}`;
      const left = mine.get(key) ?? 0;
      if (left > 0) mine.set(key, left - 1);
      else lines.push(r.text);
    }
    out[t.name] = lines;
  }
  return out;
}
