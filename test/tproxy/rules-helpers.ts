import type { TableName } from '../../src/model/family.js';
import type { HostFacts } from '../../src/model/host-facts.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import type { BuiltRuleSet } from '../../src/tproxy/rules/built-rules.js';
import { formatRule } from '../../src/tproxy/rules/format-restore.js';
import { parseKumaVersion } from '../../src/versions.js';

/** Comments off unless a test is about them, so expected lines stay readable. */
export function build(
  edit: (c: TproxyConfig) => void = () => {},
  facts: HostFacts = {},
  version = '2.14.3',
): BuiltRuleSet[] {
  const c = defaultTproxyConfig();
  c.comments.disabled = true;
  edit(c);
  return buildRuleSets(parseKumaVersion(version), c, facts, '5678');
}

/** One table's rules (optionally one chain) in kumactl's restore form. */
export const lines = (set: BuiltRuleSet | undefined, table: TableName, chain?: string): string[] =>
  (set?.tables.find((t) => t.name === table)?.rules ?? [])
    .filter((r) => chain === undefined || r.chain === chain)
    .map((r) => formatRule(r));

export const tableNames = (set: BuiltRuleSet | undefined) => set?.tables.map((t) => t.name);
