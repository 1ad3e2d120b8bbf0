/**
 * Which native nftables base chains can take traffic away from Kuma's chains. Kuma's rules live in iptables' nat
 * PREROUTING and OUTPUT chains, which iptables-nft registers at priority -100 (NF_IP_PRI_NAT_DST; kumahq/kuma
 * pkg/transparentproxy/iptables/builder/builder_nat.go@v2.14.3 builds them). The kernel runs every base chain of a
 * hook in priority order, and a drop in any of them is final, as is the first NAT binding a connection gets. So a
 * foreign chain on the same hook at a lower (or the same, whose order is undefined) priority can redirect, DNAT or
 * drop the traffic before Kuma sees it; a later chain can still drop the redirected connections, but only by naming
 * the redirect ports (after Kuma's REDIRECT they carry those). An `accept` is not final across base chains, so it
 * never shadows. Pure: the reader is live/read-nft.ts.
 */
import type { Family } from '../model/family.js';
import type {
  NativeNftReport,
  NativeNftRuleset,
  NftChain,
  NftContextChain,
  NftShadowing,
  NftTable,
  ShadowEffect,
} from '../model/native-nft.js';
import type { SavedRuleSet } from '../model/ruleset.js';
import { matchFacts, namesDport } from './nft-rule-facts.js';
import { nftRuleText } from './nft-rule-text.js';

/** What Kuma redirects on this host, from the expected rules (kumaRedirects). */
export interface KumaRedirects {
  families: readonly Family[];
  /** The nat hooks Kuma's chains are jumped to from. */
  hooks: ReadonlySet<'prerouting' | 'output'>;
  /** Redirect ports (inbound, outbound, DNS) by protocol. */
  ports: { tcp: ReadonlySet<number>; udp: ReadonlySet<number> };
}

export const IPTABLES_NAT_PRIORITY = -100;
/** Tables iptables-nft creates and `*-save` already shows: Kuma's own live there. */
const XTABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);
const WATCHED_HOOKS = new Set(['prerouting', 'input', 'output', 'postrouting']);
const MAX_JUMP_DEPTH = 16;

const familiesOf = (t: NftTable): Family[] =>
  t.family === 'ip' ? ['ipv4'] : t.family === 'ip6' ? ['ipv6'] : t.family === 'inet' ? ['ipv4', 'ipv6'] : [];

export function findShadowing(ruleset: NativeNftRuleset, kuma: KumaRedirects): NativeNftReport {
  const shadowing: NftShadowing[] = [];
  const context: NftContextChain[] = [];
  for (const table of ruleset.tables) {
    if ((table.family === 'ip' || table.family === 'ip6') && XTABLES.has(table.name)) continue;
    const families = familiesOf(table).filter((f) => kuma.families.includes(f));
    for (const chain of table.chains) {
      const base = chain.base;
      if (!base || !WATCHED_HOOKS.has(base.hook)) continue;
      const where = { family: table.family, table: table.name, chain: chain.name, ...base };
      const { policy: _, ...at } = where;
      if (families.length === 0) {
        context.push({ ...at, why: `family ${table.family} carries no traffic Kuma redirects on this host` });
        continue;
      }
      const before = kuma.hooks.has(base.hook as 'prerouting') && base.priority <= IPTABLES_NAT_PRIORITY;
      const found: NftShadowing[] = [];
      if (before && base.policy === 'drop') found.push({ ...at, effect: 'policy-drop' });
      walk(
        table,
        chain,
        undefined,
        0,
        new Set(),
        (effect, rule, via) => {
          if (!before && effect !== 'drop-redirect-port') return;
          found.push({ ...at, effect, rule: nftRuleText(rule.expr), handle: rule.handle, ...(via ? { via } : {}) });
        },
        kuma,
        families,
      );
      if (found.length > 0) shadowing.push(...found);
      else context.push({ ...at, why: before ? NOTHING_BEFORE : after(base.hook, base.priority) });
    }
  }
  return { shadowing, context };
}

const NOTHING_BEFORE =
  "runs before Kuma's nat chains, but no rule in it redirects, DNATs, drops or rejects TCP or UDP traffic";
const after = (hook: string, priority: number) =>
  hook === 'input' || hook === 'postrouting' || priority > IPTABLES_NAT_PRIORITY
    ? `sees traffic after Kuma's redirect (hook ${hook}, priority ${priority}) and drops none of it by the redirect ports`
    : `hook ${hook} carries no traffic Kuma redirects on this host`;

/** Every rule of a chain and of the chains it jumps to that can shadow, with its effect. */
function walk(
  table: NftTable,
  chain: NftChain,
  via: string | undefined,
  depth: number,
  seen: Set<string>,
  report: (effect: ShadowEffect, rule: NftChain['rules'][number], via: string | undefined) => void,
  kuma: KumaRedirects,
  families: readonly Family[],
): void {
  if (depth > MAX_JUMP_DEPTH || seen.has(chain.name)) return;
  seen.add(chain.name);
  for (const rule of chain.rules) {
    const facts = matchFacts(rule.expr, families);
    if (!facts.canMatchKumaTraffic) continue;
    for (const s of rule.expr) {
      const kind = typeof s === 'object' && s !== null ? Object.keys(s)[0] : undefined;
      if (kind === 'dnat' || kind === 'redirect' || kind === 'tproxy' || kind === 'queue')
        report('redirect', rule, via);
      else if (kind === 'drop' || kind === 'reject') {
        const hitsPort =
          [...kuma.ports.tcp].some((p) => namesDport(facts, 'tcp', p)) ||
          [...kuma.ports.udp].some((p) => namesDport(facts, 'udp', p));
        report(hitsPort ? 'drop-redirect-port' : 'drop', rule, via);
      } else if (kind === 'jump' || kind === 'goto') {
        const name = (s as { [k: string]: { target?: unknown } })[kind]!.target;
        const next = table.chains.find((c) => c.name === name && !c.base);
        if (next) walk(table, next, next.name, depth + 1, seen, report, kuma, families);
      }
    }
  }
}

/** Kuma's redirect hooks, families and ports, read off the rules it installs (kumactl's restore, per family). */
export function kumaRedirectsOf(expected: Partial<Record<Family, SavedRuleSet>>): KumaRedirects {
  const families: Family[] = [];
  const hooks = new Set<'prerouting' | 'output'>();
  const tcp = new Set<number>();
  const udp = new Set<number>();
  for (const [family, set] of Object.entries(expected) as [Family, SavedRuleSet | undefined][]) {
    const nat = set?.tables.find((t) => t.name === 'nat');
    if (!nat || nat.rules.length === 0) continue;
    families.push(family);
    for (const rule of nat.rules) {
      const arg = (flag: string) => {
        const i = rule.args.indexOf(flag);
        return i < 0 ? undefined : rule.args[i + 1];
      };
      const jump = arg('-j');
      if (rule.chain === 'PREROUTING' && jump?.startsWith('KUMA_')) hooks.add('prerouting');
      if (rule.chain === 'OUTPUT' && (jump?.startsWith('KUMA_') || jump === 'REDIRECT')) hooks.add('output');
      const port = jump === 'REDIRECT' ? Number(arg('--to-ports')) : Number.NaN;
      if (Number.isInteger(port)) (arg('-p') === 'udp' ? udp : tcp).add(port);
    }
  }
  return { families, hooks, ports: { tcp, udp } };
}
