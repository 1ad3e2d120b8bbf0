import { describe, expect, it } from 'vitest';
import { COMMENT_PREFIX } from '../../src/model/ownership.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { applyKumactlFlags, parseKumactlInstallArgs } from '../../src/tproxy/kumactl-flags.js';
import { resolveKumaDpUser } from '../../src/tproxy/resolve-user.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import type { BuiltRule, BuiltTable } from '../../src/tproxy/rules/built-rules.js';
import { DEFAULT_HOST_FACTS } from '../../src/tproxy/rules/host-facts.js';
import { parseKumaVersion } from '../../src/versions.js';
import { type DistroGolden, loadDistroGoldens, withKumaRules } from '../iptables/goldens.js';
import { KUMA_GOLDEN_CASES, KUMA_GOLDEN_VERSIONS } from '../support/kuma-golden.js';

/**
 * Cross-check against Kuma's distro goldens (iptables-save after a real install, §7.2) without converting to
 * save form (that is src/iptables/'s job): per table and chain, the final kernel order of our rules (inserts
 * applied to an empty chain, §2.7) must carry the same comments and jump targets as the golden lines. Comments
 * hold the addresses, ports and UIDs, so this checks rule choice, order and comment text for every version.
 */

// HAND-WRITTEN from cases.json `distro/*` (flags after `--kuma-dp-user kuma-dp`) before kumactl-flags.ts landed;
// kept as a cross-check of the parser, which now builds the configs.
const CONFIGS: Record<string, () => TproxyConfig> = {
  default: () => ({ ...defaultTproxyConfig(), kumaDPUser: 'kuma-dp' }),
  'with-multiple-flags': () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.dns.captureAll = true; // --redirect-all-dns-traffic
    c.redirect.dns.enabled = true;
    c.redirect.vnet.networks = ['docker0:172.17.0.0/16', 'br+:172.18.0.0/16', 'iface:::1/64'];
    c.redirect.outbound.excludePortsForUIDs = ['53,3000-5000:106-108'];
    c.redirect.outbound.excludePortsForIPs = ['10.0.0.1,192.168.0.0/24,fe80::1', 'fd00::/8'];
    c.redirect.outbound.excludePorts = [1, 22, 333];
    c.redirect.inbound.excludePorts = [4444, 55555];
    c.redirect.inbound.excludePortsForIPs = [
      '192.168.0.1,172.32.16.8/16,fe80::/10',
      'a81b:a033:6399:73c7:72b6:aa8c:6f22:7098',
    ];
    return c;
  },
};

interface Line {
  comment: string | undefined;
  target: string | undefined;
}
type Chains = Record<string, Line[]>;

const unquoteSave = (s: string) => s.replace(/\\(.)/g, '$1');

/** Save file -> table -> chain -> rule lines (only tables that hold rules). */
function parseSave(text: string): Record<string, Chains> {
  const out: Record<string, Chains> = {};
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    const m = /^-A (\S+) (.*)$/.exec(line);
    if (!m) continue;
    const comment = /--comment "((?:[^"\\]|\\.)*)"/.exec(m[2]!)?.[1];
    const target = / -j (\S+)/.exec(` ${m[2]}`)?.[1];
    const chains = out[table] ?? {};
    out[table] = chains;
    const lines = chains[m[1]!] ?? [];
    chains[m[1]!] = lines;
    lines.push({ comment: comment === undefined ? undefined : unquoteSave(comment), target });
  }
  return out;
}

/** Restore semantics on empty chains: `-I n` inserts at n among the rules so far, `-A` appends. */
function kernelOrder(table: BuiltTable): Chains {
  const chains: Record<string, BuiltRule[]> = {};
  for (const rule of table.rules) {
    const list = chains[rule.chain] ?? [];
    chains[rule.chain] = list;
    if (rule.op === 'insert') list.splice(rule.position! - 1, 0, rule);
    else list.push(rule);
  }
  const line = (r: BuiltRule): Line => ({
    comment: r.comment === undefined ? undefined : `${COMMENT_PREFIX}/${r.comment}`,
    target: r.params[r.params.indexOf('-j') + 1],
  });
  return Object.fromEntries(Object.entries(chains).map(([c, rules]) => [c, rules.map(line)]));
}

const WITH_KUMA_RULES = withKumaRules(loadDistroGoldens());

/** The default and with-multiple-flags goldens of one version directory, each distinct text once. */
function goldenFiles(dir: string): DistroGolden[] {
  const seen = new Set<string>();
  return WITH_KUMA_RULES.filter((g) => {
    if (g.version !== dir || g.scenario === 'with-multiple-config-flags' || seen.has(g.text)) return false;
    seen.add(g.text);
    return true;
  });
}

/**
 * Kuma's v2.13 IPv6 distro goldens lack the OUTPUT tcp/53 RETURN that the v2.13 IPv4 goldens (and the v2.13
 * kumactl golden) have, and otherwise equal 2.13.0 (V2) output. Inferred: they are stale - Kuma compares IPv6
 * goldens only when the suite runs with IPV6=true (§7.2), so they were not regenerated for the 2.13.1 change.
 * REFERENCE §2.13 makes V3 apply to both families, so we check them as 2.13.0 vectors instead.
 */
const versionFor = (dir: string, family: 'ipv4' | 'ipv6'): string =>
  dir === 'v2.13' && family === 'ipv6' ? '2.13.0' : KUMA_GOLDEN_VERSIONS[dir as keyof typeof KUMA_GOLDEN_VERSIONS];

describe.each(Object.keys(KUMA_GOLDEN_VERSIONS))('distro goldens %s: final chain order and comments', (dir) => {
  for (const { image, scenario: kase, flavour, family, text } of goldenFiles(dir)) {
    it(`${image}-${kase}.${flavour}.golden (built as ${versionFor(dir, family)})`, () => {
      const version = parseKumaVersion(versionFor(dir, family));
      const args = parseKumactlInstallArgs(
        [...KUMA_GOLDEN_CASES[`distro/${kase}`]!.base_flags, ...KUMA_GOLDEN_CASES[`distro/${kase}`]!.flags],
        {
          version,
        },
      );
      expect(args.errors).toEqual([]);
      const { config, errors } = applyKumactlFlags(defaultTproxyConfig(), args.flags, { version });
      expect(errors).toEqual([]);
      expect(config, 'hand-written config agrees with the parser').toEqual(CONFIGS[kase]!());
      const user = resolveKumaDpUser(config, DEFAULT_HOST_FACTS.users);
      if (!user.ok) throw new Error(user.message);
      const sets = buildRuleSets(version, config, {}, user.uid);
      const set = sets.find((s) => s.family === family);
      expect(set, `${family} rules built`).toBeDefined();
      const want = parseSave(text);
      const got = Object.fromEntries(set!.tables.map((t) => [t.name, kernelOrder(t)]));
      expect(got).toEqual(want);
    });
  }
});
