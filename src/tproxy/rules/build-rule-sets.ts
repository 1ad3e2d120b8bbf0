import type { Family } from '../../model/family.js';
import type { HostFacts, ResolvedHostFacts } from '../../model/host-facts.js';
import type { KumaVersion } from '../../versions.js';
import { isIpv4Only, type TproxyConfig } from '../config-types.js';
import type { BuiltRuleSet, BuiltTable } from './built-rules.js';
import { declaredChains, type FamilyContext, familyContext } from './family-context.js';
import { resolveHostFacts } from './host-facts.js';
import { addNatOutputRules, addNatPreroutingRules } from './nat-builtin-chains.js';
import { addMeshInboundRules, addMeshOutboundRules, addMeshRedirectRules } from './nat-mesh-chains.js';
import { assertPayloadWords } from './payload-words.js';
import { TableBuilder } from './table-builder.js';
import { buildRawTable } from './table-raw.js';

/**
 * Whether kumactl builds IPv6 rules (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, Config.Initialize):
 * `ipFamilyMode` is not exactly `ipv4` (case-sensitive, so
 * `IPv4` means dualstack) and the host qualifies (`facts.ipv6`). Inferred: with no usable executables
 * (`facts.executables` false) ip6tables cannot initialise either, so IPv6 is off then too.
 */
function ipv6Enabled(config: TproxyConfig, facts: ResolvedHostFacts): boolean {
  return !isIpv4Only(config) && facts.ipv6 && facts.executables;
}

/**
 * nat table (kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_nat.go@v2.14.3). All four mesh chains are
 * always declared, even for a disabled direction. Insert
 * positions count per chain, so the order OUTPUT-then-PREROUTING only mirrors kumactl's code.
 */
export function buildNatTable(ctx: FamilyContext): BuiltTable {
  const t = new TableBuilder('nat', declaredChains(ctx.chains), ctx.comments);
  addNatOutputRules(t, ctx);
  addNatPreroutingRules(t, ctx);
  addMeshInboundRules(t, ctx);
  addMeshOutboundRules(t, ctx);
  addMeshRedirectRules(t, ctx);
  // nat always has rules (the PREROUTING/OUTPUT jumps and the REDIRECT chains).
  return t.build()!;
}

/**
 * mangle table (kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_mangle.go@v2.14.3): only with
 * dropInvalidPackets and a usable mangle table.
 */
export function buildMangleTable(ctx: FamilyContext): BuiltTable | undefined {
  if (!ctx.mangle) return undefined;
  const t = new TableBuilder('mangle', [], ctx.comments);
  t.append(
    'PREROUTING',
    ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'],
    'drop packets in the INVALID state to prevent potential issues with malformed or out-of-order packets',
  );
  return t.build();
}

/**
 * The rules `kumactl install transparent-proxy` of `version` would restore, one set per family: IPv4 always,
 * then IPv6 when enabled. `uid` is the resolved kuma-dp UID (InitializeKumaDPUser). Pure: host state comes from
 * `facts`.
 * Throws KumaGitopsError for exclusion or vnet entries kumactl would reject.
 */
export function buildRuleSets(
  version: KumaVersion,
  config: TproxyConfig,
  facts: HostFacts,
  uid: string,
): BuiltRuleSet[] {
  const resolved = resolveHostFacts(facts);
  const families: Family[] = ipv6Enabled(config, resolved) ? ['ipv4', 'ipv6'] : ['ipv4'];
  const sets = families.map((family) => {
    const ctx = familyContext(version, config, resolved, uid, family);
    // File order raw, nat, mangle; a table without rules is left out (builder.go).
    const tables = [buildRawTable(ctx), buildNatTable(ctx), buildMangleTable(ctx)].filter(
      (t): t is BuiltTable => t !== undefined,
    );
    return { family, tables };
  });
  assertPayloadWords(sets);
  return sets;
}
