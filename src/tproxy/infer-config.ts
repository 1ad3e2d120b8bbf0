/**
 * The first step of adopting a host set up by hand: which `kumactl install transparent-proxy` config produced the
 * Kuma rules on it. The settings are read off the rules, then the rules that config gives (for these host facts and
 * this Kuma version) are computed and compared with the live ones: the config is accepted only when nothing
 * differs. So the answer is never wrong, only sometimes missing: an option family not read here yet, or a rule
 * edited by hand, comes back as the exact rules no config explains. Read so far: redirect ports, inbound and
 * outbound on or off, included and excluded ports, the kuma-dp UID, DNS (on, port, capture all, conntrack zone
 * split), excluded IPs and UIDs, vnet, logs, drop-invalid, comments, the IP family mode and the insert mode (where the
 * order of the built-in chains shows it; else append, kumactl's default). Not read: the chain name prefix. Pure.
 */
import { diffRuleSets, type RuleDifference } from '../iptables/drift.js';
import { findTable, hasKumaComment, isKumaOwned, rulesOfChain } from '../iptables/model.js';
import type { Family } from '../model/family.js';
import type { HostFacts } from '../model/host-facts.js';
import { BUILT_IN_CHAINS, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import type { SavedRule, SavedRuleSet } from '../model/ruleset.js';
import { type KumaVersion, parseKumaVersion } from '../versions.js';
import { computeRules } from './compute-rules.js';
import { defaultTproxyConfig, type TproxyConfig } from './config-types.js';
import { arg, dports, kumaShaped, uidExclusions, words } from './infer-rule-words.js';

export type LiveKumaRules = Partial<Record<Family, SavedRuleSet>>;

export type Inferred =
  | { ok: true; config: TproxyConfig; uid: string }
  | { ok: false; config: TproxyConfig; uid: string; unexplained: RuleDifference[] }
  | { ok: false; reason: string; unexplained: RuleDifference[] };

const P = KUMA_CHAIN_PREFIX;

export function inferTproxyConfig(live: LiveKumaRules, facts: HostFacts, version: KumaVersion): Inferred {
  const v4 = live.ipv4;
  const nat = v4 && findTable(v4, 'nat');
  if (!v4 || !nat) return { ok: false, reason: 'no IPv4 nat table with Kuma rules', unexplained: [] };
  // Other tools' rules share the built-in chains: with Kuma's comments on, only commented rules and Kuma's chains
  // are read; with them off nothing tells them apart, and unattributed() below refuses what is not explained.
  const commented = v4.tables.some((t) => t.rules.some((r) => hasKumaComment(r)));
  const mine = (r: SavedRule) => !commented || isKumaOwned(r);
  const chain = (name: string) => rulesOfChain(nat, name).filter(mine);
  const all = v4.tables.flatMap((t) => t.rules.filter(mine));
  const c = defaultTproxyConfig();

  // A direction that is off keeps its chains, with one unconditional `-p tcp -j RETURN` in them.
  const off = (name: string) => chain(name).some((r) => words(r).join(' ') === '-p tcp -j RETURN');
  c.redirect.inbound.enabled = !off(`${P}_INBOUND`);
  c.redirect.outbound.enabled = !off(`${P}_OUTBOUND`);
  const toPort = (name: string) =>
    Number(
      chain(name)
        .map((r) => arg(r, '--to-ports'))
        .find(Boolean),
    );
  c.redirect.inbound.port = toPort(`${P}_INBOUND_REDIRECT`) || c.redirect.inbound.port;
  c.redirect.outbound.port = toPort(`${P}_OUTBOUND_REDIRECT`) || c.redirect.outbound.port;

  // Ports: RETURN excludes them, a jump to the redirect chain includes only them.
  const portsOf = (name: string, target: string) =>
    chain(name)
      .filter((r) => arg(r, '-j') === target)
      .flatMap(dports);
  c.redirect.inbound.excludePorts = portsOf(`${P}_INBOUND`, 'RETURN');
  c.redirect.inbound.includePorts = portsOf(`${P}_INBOUND`, `${P}_INBOUND_REDIRECT`);
  c.redirect.outbound.excludePorts = portsOf(`${P}_OUTBOUND`, 'RETURN');
  c.redirect.outbound.includePorts = portsOf(`${P}_OUTBOUND`, `${P}_OUTBOUND_REDIRECT`);

  // Excluded IPs, of both families: a source RETURN in the inbound chain, a destination RETURN in OUTPUT.
  const nats = (['ipv4', 'ipv6'] as const).flatMap((f) => {
    const t = live[f] && findTable(live[f], 'nat');
    return t ? [t] : [];
  });
  const ipReturns = (name: string, flag: '-s' | '-d') =>
    nats.flatMap((t) =>
      rulesOfChain(t, name)
        .filter(mine)
        .filter((r) => arg(r, '-j') === 'RETURN' && dports(r).length === 0 && !r.args.includes('--uid-owner'))
        .filter((r) => !r.args.includes('-o') && !r.args.includes('-i'))
        .flatMap((r) => (arg(r, flag) === undefined ? [] : [arg(r, flag)!])),
    );
  c.redirect.inbound.excludePortsForIPs = ipReturns(`${P}_INBOUND`, '-s');
  c.redirect.outbound.excludePortsForIPs = ipReturns('OUTPUT', '-d');

  c.redirect.outbound.excludePortsForUIDs = uidExclusions(chain('OUTPUT'));
  // vnet: `! -d CIDR -i IFACE -p tcp -j REDIRECT` in PREROUTING, one per network.
  c.redirect.vnet.networks = chain('PREROUTING')
    .filter((r) => arg(r, '-p') === 'tcp' && arg(r, '-j') === 'REDIRECT' && r.args.includes('-i'))
    .map((r) => `${arg(r, '-i')}:${r.args[r.args.indexOf('-d') + 1]}`);
  const log = all.find((r) => arg(r, '-j') === 'LOG' && arg(r, '--log-prefix') === `${r.chain}:`);
  c.log.enabled = log !== undefined;
  if (log) c.log.level = Number(arg(log, '--log-level') ?? c.log.level);

  // kuma-dp's UID: in its own loopback rules, else its DNS rules (not the excluded UIDs of OUTPUT).
  const ownerIn = (rules: readonly SavedRule[]) =>
    rules.map((r) => arg(r, '--uid-owner')).find((u): u is string => u !== undefined);
  const uid =
    ownerIn(chain(`${P}_OUTBOUND`)) ??
    ownerIn(chain('OUTPUT').filter((r) => arg(r, '--dport') === '53')) ??
    String(facts.users?.['kuma-dp'] ?? 5678);
  const user = Object.entries(facts.users ?? {}).find(([, id]) => String(id) === uid)?.[0];
  c.kumaDPUser = user ?? uid;

  const dns = chain('OUTPUT').find(
    (r) => arg(r, '--dport') === '53' && arg(r, '-p') === 'udp' && arg(r, '-j') === 'REDIRECT',
  );
  c.redirect.dns.enabled = dns !== undefined;
  // vnet interfaces redirect DNS to the DNS port even with DNS redirection off.
  const vnetDns = chain('PREROUTING').find((r) => arg(r, '--dport') === '53' && arg(r, '-j') === 'REDIRECT');
  if (vnetDns) c.redirect.dns.port = Number(arg(vnetDns, '--to-ports'));
  if (dns) {
    c.redirect.dns.port = Number(arg(dns, '--to-ports'));
    c.redirect.dns.captureAll = arg(dns, '-d') === undefined;
    c.redirect.dns.skipConntrackZoneSplit = !all.some((r) => arg(r, '-j') === 'CT');
  }
  c.dropInvalidPackets = all.some((r) => arg(r, '--ctstate') === 'INVALID' && arg(r, '-j') === 'DROP');
  c.comments.disabled = !commented;
  const kumaIpv6 = live.ipv6?.tables.some((t) => t.chains.some((ch) => ch.name.startsWith(`${P}_`)));
  c.ipFamilyMode = kumaIpv6 || facts.ipv6 === false ? 'dualstack' : 'ipv4';

  // Insert or append is visible only in the order of the built-in chains (with LOG, vnet or other tools' rules);
  // append first, as kumactl's default, and an insert only when nothing else explains the order.
  let first: Inferred | undefined;
  for (const [inbound, outbound] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const variant = structuredClone(c);
    variant.redirect.inbound.insertRedirectInsteadOfAppend = inbound!;
    variant.redirect.outbound.insertRedirectInsteadOfAppend = outbound!;
    const r = check(live, variant, facts, version, uid);
    if (r.ok || 'reason' in r) return r;
    first ??= r;
  }
  return first!;
}

/** The rules `c` gives, against the live ones: accepted only when nothing differs. */
function check(live: LiveKumaRules, c: TproxyConfig, facts: HostFacts, version: KumaVersion, uid: string): Inferred {
  let unexplained: RuleDifference[];
  try {
    const computed = computeRules(version, c, facts, uid);
    unexplained = (['ipv4', 'ipv6'] as const).flatMap((family) =>
      diffRuleSets(computed.expected(family), live[family] ?? { tables: [] }, family),
    );
  } catch (e) {
    return {
      ok: false,
      reason: `the settings read off the rules are refused by kumactl: ${(e as Error).message}`,
      unexplained: [],
    };
  }
  if (c.comments.disabled) unexplained.push(...unattributed(live, c, facts, version, uid));
  return unexplained.length === 0 ? { ok: true, config: c, uid } : { ok: false, config: c, uid, unexplained };
}

/**
 * Without comments, a rule in a built-in chain that jumps nowhere of Kuma's cannot be told from another tool's, so
 * the drift comparison leaves it out. Here that would accept a config that misses an option (excluded UIDs write
 * such rules): every such live rule the config does not give is listed instead.
 */
function unattributed(
  live: LiveKumaRules,
  c: TproxyConfig,
  facts: HostFacts,
  version: KumaVersion,
  uid: string,
): RuleDifference[] {
  const computed = computeRules(version, c, facts, uid);
  return (['ipv4', 'ipv6'] as const).flatMap((family) => {
    const given = new Set(computed.expected(family).tables.flatMap((t) => t.rules.map((r) => `${t.name} ${r.text}`)));
    return (live[family]?.tables ?? []).flatMap((t) =>
      t.rules
        .filter((r) => BUILT_IN_CHAINS.has(r.chain) && kumaShaped(r) && !given.has(`${t.name} ${r.text}`))
        .map((r) => ({ kind: 'unexpected-rule' as const, family, table: t.name, chain: r.chain, actual: r.text })),
    );
  });
}

/** Kuma versions tried when none is given, newest first: the minor versions kumactl's rules are modelled for. */
const TRIED_VERSIONS = ['2.14.3', '2.13', '2.12', '2.11', '2.10', '2.9'].map(parseKumaVersion);

/**
 * Which supported Kuma versions' kumactl gives exactly these rules, newest first, each with its config: the rules'
 * shape tells the version where `kuma-dp version` cannot be asked (several versions often write the same rules).
 */
export function inferAcrossVersions(
  live: LiveKumaRules,
  facts: HostFacts,
): { version: KumaVersion; config: TproxyConfig; uid: string }[] {
  return TRIED_VERSIONS.flatMap((version) => {
    const r = inferTproxyConfig(live, facts, version);
    return r.ok ? [{ version, config: r.config, uid: r.uid }] : [];
  });
}
