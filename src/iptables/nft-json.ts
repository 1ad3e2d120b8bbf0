/**
 * Reads `nft -j list ruleset` (libnftables' JSON, schema version 1: nftables' doc/libnftables-json.adoc) into
 * tables, chains and rules. Sets, maps, flowtables and the like are skipped: they matter only through the rules that
 * use them, which keep their statements as given.
 */
import { KumaGitopsError } from '../errors.js';
import type { NativeNftRuleset, NftChain, NftFamily, NftHook, NftTable } from '../model/native-nft.js';

const FAMILIES: ReadonlySet<string> = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const HOOKS: ReadonlySet<string> = new Set([
  'prerouting',
  'input',
  'forward',
  'output',
  'postrouting',
  'ingress',
  'egress',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(reason: string): never {
  throw new KumaGitopsError(
    'nft.parse-failed',
    `nft -j list ruleset: ${reason}; nothing was changed; check that the nftables package is intact (nft --version)`,
    { reason },
  );
}

export function parseNftJson(text: string): NativeNftRuleset {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`not JSON (${(e as Error).message})`);
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) fail('no "nftables" array at the top');
  const tables = new Map<string, NftTable>();
  const chains = new Map<string, NftChain>();
  const key = (family: unknown, table: unknown, chain?: unknown) => `${family}\0${table}\0${chain ?? ''}`;
  for (const item of doc.nftables as unknown[]) {
    if (!isObj(item)) continue;
    if (isObj(item.table)) {
      const t = item.table;
      if (typeof t.family !== 'string' || !FAMILIES.has(t.family) || typeof t.name !== 'string') continue;
      tables.set(key(t.family, t.name), { family: t.family as NftFamily, name: t.name, chains: [] });
    } else if (isObj(item.chain)) {
      const c = item.chain;
      const table = tables.get(key(c.family, c.table));
      if (!table || typeof c.name !== 'string') continue;
      const chain: NftChain = { name: c.name, rules: [] };
      if (typeof c.hook === 'string' && HOOKS.has(c.hook) && typeof c.prio === 'number') {
        chain.base = {
          type: typeof c.type === 'string' ? c.type : 'filter',
          hook: c.hook as NftHook,
          priority: c.prio,
          policy: c.policy === 'drop' ? 'drop' : 'accept',
        };
      }
      table.chains.push(chain);
      chains.set(key(c.family, c.table, c.name), chain);
    } else if (isObj(item.rule)) {
      const r = item.rule;
      const chain = chains.get(key(r.family, r.table, r.chain));
      if (!chain || typeof r.handle !== 'number' || !Array.isArray(r.expr)) continue;
      // Counters change with traffic and are not state anyone manages: a read must compare equal to the next one.
      const expr = r.expr.map((e: unknown) => (isObj(e) && 'counter' in e ? { counter: null } : e));
      chain.rules.push({ handle: r.handle, expr });
    }
  }
  return { tables: [...tables.values()] };
}
