/**
 * The one place that turns (Kuma version, effective config, host facts, kuma-dp UID) into rules in every form
 * the product shows them: kumactl's `--dry-run` text, the per-family restore file, and the iptables-save form
 * a live host is compared against. Pure; the CLI, render and the reconciler share it.
 */
import { type ChainOrdering, canonicalize } from '../iptables/canonicalize.js';
import { formatSave } from '../iptables/format-save.js';
import type { Family } from '../model/family.js';
import type { HostFacts } from '../model/host-facts.js';
import type { ExpectedRuleSet } from '../model/ruleset.js';
import type { KumaVersion } from '../versions.js';
import type { TproxyConfig } from './config-types.js';
import { buildRuleSets } from './rules/build-rule-sets.js';
import type { BuiltRuleSet } from './rules/built-rules.js';
import { formatDryRun, formatRestore } from './rules/format-restore.js';

export interface ComputedRules {
  /**
   * One set per family kumactl would build: IPv4 always, IPv6 when enabled (kumahq/kuma
   * pkg/transparentproxy/config/config.go@v2.14.3, Config.Initialize).
   */
  sets: BuiltRuleSet[];
  /**
   * Exactly what `kumactl install transparent-proxy --dry-run` prints (kumahq/kuma
   * pkg/transparentproxy/iptables/setup.go@v2.14.3, dryRun).
   */
  dryRun: string;
  /** The file kumactl feeds to `<family>tables-restore --noflush`, or undefined when it builds no such family. */
  restore(family: Family): string | undefined;
  /**
   * What `*-save` shows for our rules after a restore into an empty namespace (iptables 1.8.9's *-save output, as
   * Kuma's goldens in test/transparentproxy/testdata@v2.14.3 show it), as a model for
   * the drift check. A family kumactl does not build expects nothing: an empty rule set.
   */
  expected(family: Family, ordering?: ChainOrdering): ExpectedRuleSet;
  /** `expected` printed in normalised iptables-save form, or undefined when the family is not built. */
  save(family: Family, ordering?: ChainOrdering): string | undefined;
}

/** Throws KumaGitopsError (from the generator or canonicaliser) for inputs kumactl would reject. */
export function computeRules(version: KumaVersion, config: TproxyConfig, facts: HostFacts, uid: string): ComputedRules {
  const sets = buildRuleSets(version, config, facts, uid);
  const find = (family: Family) => sets.find((s) => s.family === family);
  const expected = (family: Family, ordering: ChainOrdering = 'modern'): ExpectedRuleSet => {
    const set = find(family);
    return set ? canonicalize(set, ordering) : { tables: [] };
  };
  return {
    sets,
    dryRun: formatDryRun(sets, { verbose: config.verbose }),
    restore: (family) => {
      const set = find(family);
      return set && formatRestore(set, { verbose: config.verbose });
    },
    expected,
    save: (family, ordering) => (find(family) ? formatSave(expected(family, ordering)) : undefined),
  };
}
