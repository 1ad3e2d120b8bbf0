import type { DesiredHost } from '../desired/desired-host.js';
import { locateSetting } from '../desired/desired-host.js';
import { KumaGitopsError } from '../errors.js';
import { error, type Issue, warning } from '../issues.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import { resolveKumaDpUser } from '../tproxy/resolve-user.js';
import { buildRuleSets } from '../tproxy/rules/build-rule-sets.js';
import type { BuiltRuleSet } from '../tproxy/rules/built-rules.js';
import { formatDryRun } from '../tproxy/rules/format-restore.js';
import { type ResolvedHostFacts, resolveHostFacts } from '../tproxy/rules/host-facts.js';

/** The iptables rules `kumactl install transparent-proxy` would install on this host, given its facts. */
export interface HostRules {
  facts: ResolvedHostFacts;
  uid: string;
  sets: BuiltRuleSet[];
  /** What `kumactl install transparent-proxy --dry-run` prints: `### IPv4 ###` and the restore file per family. */
  dryRun: string;
}

/**
 * Rules for review use the host's declared facts (defaults otherwise); the reconciler passes live facts instead.
 * The kuma-dp user is always known: the reconciler creates it before installing rules.
 */
export function computeHostRules(
  host: DesiredHost,
  config: TproxyConfig,
  facts = host.hostFacts,
): { rules?: HostRules; issues: Issue[] } {
  const resolved = resolveHostFacts(facts);
  resolved.users = { ...resolved.users, [host.kumaDp.user]: host.kumaDp.uid };
  const user = resolveKumaDpUser(config, resolved.users);
  const at = { ...locateSetting(host, ['hostFacts']), path: 'hostFacts' };
  if (!user.ok) {
    return {
      issues: [
        error({
          code: 'rules.kuma-dp-user',
          ...at,
          message: `kumactl would stop: ${user.message}`,
          hint: 'set kumaDPUser to the kuma-dp user, or declare the user in hostFacts.users',
        }),
      ],
    };
  }
  const issues: Issue[] = [];
  const dns = config.redirect.dns;
  if ((dns.enabled || dns.captureAll) && !dns.captureAll && resolved.dnsServers.length === 0) {
    // kumactl then turns DNS redirection off per family with a warning (REFERENCE §1.6).
    issues.push(
      warning({
        code: 'rules.no-dns-servers',
        ...at,
        message: `DNS redirection is on but no nameservers are known, so kumactl would install no DNS rules (it reads them from ${dns.resolvConfigPath})`,
        hint: "declare the hosts' nameservers in hostFacts.dnsServers so reviews show the DNS rules",
      }),
    );
  }
  try {
    const sets = buildRuleSets(host.kumaVersion, config, resolved, user.uid);
    return { rules: { facts: resolved, uid: user.uid, sets, dryRun: formatDryRun(sets) }, issues };
  } catch (e) {
    if (!(e instanceof KumaGitopsError)) throw e;
    return { issues: [error({ code: 'rules.build', ...at, message: `kumactl would stop: ${e.message}` })] };
  }
}
