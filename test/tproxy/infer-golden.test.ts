/**
 * `tproxy infer` on the rules of Kuma's own kumactl goldens, for 2.9, 2.13 and 2.14: each case's rules (from its
 * kumactl flags, as rules-kumactl-golden.test.ts proves them equal to the golden) are read back into a config that
 * gives exactly the same rules, and, with no version given, the version that wrote them is among those that fit.
 */
import { describe, expect, it } from 'vitest';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { inferAcrossVersions, inferTproxyConfig } from '../../src/tproxy/infer-config.js';
import { applyKumactlFlags, parseKumactlInstallArgs } from '../../src/tproxy/kumactl-flags.js';
import { resolveKumaDpUser } from '../../src/tproxy/resolve-user.js';
import { parseKumaVersion } from '../../src/versions.js';
import { DEAD_KUMACTL_GOLDEN, KUMA_GOLDEN_CASES, KUMA_GOLDEN_VERSIONS } from '../support/kuma-golden.js';

const FACTS = { executables: false, users: { root: 0 } };
const cases = Object.entries(KUMA_GOLDEN_CASES).filter(
  ([name, c]) => name.startsWith('kumactl/') && c.golden !== null && !c.golden.endsWith(DEAD_KUMACTL_GOLDEN),
);

describe.each(Object.entries(KUMA_GOLDEN_VERSIONS))(
  'tproxy infer on the kumactl goldens of %s',
  (_dir, versionText) => {
    const version = parseKumaVersion(versionText);
    it.each(cases)('%s', (_name, c) => {
      const args = parseKumactlInstallArgs(c.flags, { version });
      const config = applyKumactlFlags(defaultTproxyConfig(), args.flags, { version }).config;
      const user = resolveKumaDpUser(config, FACTS.users);
      if (!user.ok) throw new Error(user.message);
      const rules = computeRules(version, config, FACTS, user.uid);
      const r = inferTproxyConfig({ ipv4: rules.expected('ipv4') }, FACTS, version);
      expect(r.ok ? [] : ['reason' in r ? r.reason : '', ...r.unexplained]).toEqual([]);
      if (r.ok) expect(computeRules(version, r.config, FACTS, r.uid).save('ipv4')).toBe(rules.save('ipv4'));
      // Without a version given, the one that wrote the rules is among those that fit.
      const fits = inferAcrossVersions({ ipv4: rules.expected('ipv4') }, FACTS).map((f) => f.version.minor);
      expect(fits).toContain(version.minor);
    });
  },
);
