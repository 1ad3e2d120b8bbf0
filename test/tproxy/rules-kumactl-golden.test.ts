import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { applyKumactlFlags, parseKumactlInstallArgs } from '../../src/tproxy/kumactl-flags.js';
import { resolveKumaDpUser } from '../../src/tproxy/resolve-user.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import { formatDryRun } from '../../src/tproxy/rules/format-restore.js';
import { parseKumaVersion } from '../../src/versions.js';
import {
  DEAD_KUMACTL_GOLDEN,
  KUMA_GOLDEN_CASES,
  KUMA_GOLDEN_DIR,
  KUMA_GOLDEN_VERSIONS,
  normaliseKumactl,
} from '../support/kuma-golden.js';

/**
 * Conformance with Kuma's own `kumactl install transparent-proxy --dry-run` goldens (REFERENCE §7.1), for every
 * version directory. Facts are what those tests see: non-root, no usable iptables, only `root` in /etc/passwd.
 */
const FACTS = { executables: false, users: { root: 0 } };

const kumactlCases = Object.entries(KUMA_GOLDEN_CASES).filter(
  ([name, c]) => name.startsWith('kumactl/') && c.golden !== null && !c.golden.endsWith(DEAD_KUMACTL_GOLDEN),
);

/**
 * HAND-WRITTEN flag -> config translations, one per case, written before src/tproxy/kumactl-flags.ts landed.
 * The goldens are now built from the real parser; these stay as a cross-check of it. Every case runs
 * `--dry-run --ip-family-mode ipv4 <extra flags>`; the extra flags are shown next to each entry.
 */
const withConfig = (edit: (c: TproxyConfig) => void): TproxyConfig => {
  const c = defaultTproxyConfig();
  c.dryRun = true;
  c.ipFamilyMode = 'ipv4';
  edit(c);
  return c;
};
const dnsCaptureAll12345 = (c: TproxyConfig) => {
  c.kumaDPUser = '0';
  c.redirect.dns.captureAll = true;
  c.redirect.dns.enabled = true; // forced by captureAll
  c.redirect.dns.port = 12345;
};
const overrides = (c: TproxyConfig) => {
  c.kumaDPUser = 'root';
  c.redirect.outbound.port = 12345;
  c.redirect.inbound.port = 12346;
  c.redirect.outbound.excludePorts = [2000, 2001];
  c.redirect.inbound.excludePorts = [1000, 1001];
};
const uidExclusions =
  (...entries: string[]) =>
  (c: TproxyConfig) => {
    c.kumaDPUser = 'root';
    c.redirect.outbound.excludePortsForUIDs = entries;
  };
const excludedPorts = uidExclusions(
  'tcp:1900,1902,1000-2000:106-108',
  'tcp:2900,2902,3000-5000:203',
  'udp:3900,3902,4000-6000:303',
);
const HAND_CONFIGS: Record<string, TproxyConfig> = {
  // --kuma-dp-user root
  'kumactl/defaults-username': withConfig((c) => {
    c.kumaDPUser = 'root';
  }),
  // --kuma-dp-user 0
  'kumactl/defaults-uid': withConfig((c) => {
    c.kumaDPUser = '0';
  }),
  // --kuma-dp-user 0 --redirect-all-dns-traffic --redirect-dns-port 12345
  'kumactl/dns-no-conntrack-module': withConfig(dnsCaptureAll12345),
  // ... plus --skip-dns-conntrack-zone-split
  'kumactl/dns-skip-conntrack-zone-split': withConfig((c) => {
    dnsCaptureAll12345(c);
    c.redirect.dns.skipConntrackZoneSplit = true;
  }),
  // --kuma-dp-user root --redirect-outbound-port 12345 --redirect-inbound-port 12346
  //   --exclude-outbound-ports 2000,2001 --exclude-inbound-ports 1000,1001
  'kumactl/overrides': withConfig(overrides),
  // the same with a second --ip-family-mode ipv4
  'kumactl/overrides-ipv4': withConfig(overrides),
  // --kuma-dp-user root --exclude-outbound-ports-for-uids <each of the three entries>
  'kumactl/excludedports': withConfig(excludedPorts),
  'kumactl/excludedports-simpler': withConfig(excludedPorts),
  // --kuma-dp-user root --exclude-outbound-ports-for-uids '*:*:0'
  'kumactl/excludedports-wildcards': withConfig(uidExclusions('*:*:0')),
  // --kuma-dp-user root --exclude-outbound-ports-for-uids tcp:*:0
  'kumactl/excludedports-allprotos': withConfig(uidExclusions('tcp:*:0')),
  // --kuma-dp-user root --exclude-outbound-ports-for-uids 123
  'kumactl/excludedports-onlyuid': withConfig(uidExclusions('123')),
};

/** The case's argv through kumactl's flag parsing, on top of the defaults (no config sources in these cases). */
function configFromFlags(flags: string[], versionText: string): TproxyConfig {
  const version = parseKumaVersion(versionText);
  const args = parseKumactlInstallArgs(flags, { version });
  expect(args.errors).toEqual([]);
  const applied = applyKumactlFlags(defaultTproxyConfig(), args.flags, { version });
  expect(applied.errors).toEqual([]);
  return applied.config;
}

describe.each(Object.entries(KUMA_GOLDEN_VERSIONS))('kumactl dry-run goldens %s', (dir, versionText) => {
  it('covers every live golden file in the directory', () => {
    const live = readdirSync(join(KUMA_GOLDEN_DIR, dir, 'kumactl')).filter((f) => f !== DEAD_KUMACTL_GOLDEN);
    const covered = new Set(kumactlCases.map(([, c]) => c.golden!.replace('kumactl/', '')));
    expect(live.filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(kumactlCases)('%s', (name, c) => {
    const config = configFromFlags(c.flags, versionText);
    expect(config, `hand-written config for ${name} agrees with the parser`).toEqual(HAND_CONFIGS[name]);
    const user = resolveKumaDpUser(config, FACTS.users);
    if (!user.ok) throw new Error(user.message);
    const sets = buildRuleSets(parseKumaVersion(versionText), config, FACTS, user.uid);
    const want = readFileSync(join(KUMA_GOLDEN_DIR, dir, c.golden!), 'utf8');
    expect(normaliseKumactl(formatDryRun(sets, { verbose: config.verbose }))).toBe(want);
  });
});
