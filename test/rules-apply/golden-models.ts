/**
 * Kuma's distro goldens (REFERENCE §7.2) as inputs for transition tests: the golden file is what `*-save` shows
 * after kumactl's install, and the model of the same case (kumactl flags of cases.json through our generator) is
 * the target we would apply.
 */

import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import type { ExpectedRuleSet, SavedRuleSet } from '../../src/model/ruleset.js';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { parseKumaVersion } from '../../src/versions.js';
import { loadDistroGoldens } from '../iptables/goldens.js';
import { distroFlags } from '../support/golden-inputs.js';

export type Scenario = 'default' | 'with-multiple-flags';

/** As in the distro containers: `-o ifPlaceholder`, kuma-dp 5678, IPv6 usable, no DNS servers needed. */
const USERS = { 'kuma-dp': 5678, root: 0 };
const FACTS = { loopbackInterface: 'ifPlaceholder', users: USERS, ipv6: true, dnsServers: [] };

export function goldenModel(scenario: Scenario, family: Family): ExpectedRuleSet {
  const version = parseKumaVersion('2.14');
  const loaded = loadKumactlConfig({
    argv: distroFlags(scenario),
    readSource: (path) => {
      throw new Error(`no file ${path} in a distro case`);
    },
    version,
    users: USERS,
  });
  if (loaded.errors.length > 0) throw new Error(loaded.errors.join('; '));
  return computeRules(version, loaded.config, FACTS, loaded.uid!).expected(family);
}

/** v2.14 goldens that hold Kuma's rules, every image and backend: `[id, scenario, family, live]`. */
export function goldenLives(): Array<[string, Scenario, Family, SavedRuleSet]> {
  return loadDistroGoldens()
    .filter((g) => g.version === 'v2.14' && g.content === 'save' && g.text.includes('KUMA_MESH'))
    .filter((g) => g.scenario === 'default' || g.scenario === 'with-multiple-flags')
    .map((g) => [g.id, g.scenario as Scenario, g.family, parseSave(g.text)]);
}
