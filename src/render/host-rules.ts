import type { DesiredHost } from '../desired/desired-host.js';
import { locateSetting } from '../desired/desired-host.js';
import { KumaGitopsError } from '../errors.js';
import type { Issue } from '../issues.js';
import type { HostFacts, ResolvedHostFacts } from '../model/host-facts.js';
import { type ComputedRules, computeRules } from '../tproxy/compute-rules.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import { resolveKumaDpUser } from '../tproxy/resolve-user.js';
import type { BuiltRuleSet } from '../tproxy/rules/built-rules.js';
import { resolveHostFacts } from '../tproxy/rules/host-facts.js';
import { formatKumaVersion, type KumaVersion } from '../versions.js';

/** The iptables rules `kumactl install transparent-proxy` would install on this host, given its facts. */
export interface HostRules {
  facts: ResolvedHostFacts;
  uid: string;
  sets: BuiltRuleSet[];
  /** What `kumactl install transparent-proxy --dry-run` prints: `### IPv4 ###` and the restore file per family. */
  dryRun: string;
  /** The same computation `tproxy rules` prints from (restore text, expected save form), so they never differ. */
  computed: ComputedRules;
}

type Problem = Pick<Issue, 'severity' | 'code' | 'message' | 'hint'>;
interface Computed {
  rules?: HostRules;
  problems: Problem[];
}

/**
 * Rules for review use the host's declared facts (defaults otherwise); the reconciler passes live facts instead.
 * The kuma-dp user is always known: the reconciler creates it before installing rules.
 */
export function computeHostRules(
  host: DesiredHost,
  config: TproxyConfig,
  facts: HostFacts = host.hostFacts,
): { rules?: HostRules; issues: Issue[] } {
  // Hosts sharing tproxy layers share the config object, and most also share facts and the kuma-dp user.
  const key = JSON.stringify([formatKumaVersion(host.kumaVersion), facts, host.kumaDp.user, host.kumaDp.uid]);
  let byKey = cache.get(config);
  if (!byKey) {
    byKey = new Map();
    cache.set(config, byKey);
  }
  let hit = byKey.get(key);
  if (!hit) {
    hit = compute(host.kumaVersion, config, facts, host.kumaDp);
    byKey.set(key, hit);
  }
  const at = { ...locateSetting(host, ['hostFacts']), path: 'hostFacts' };
  return { rules: hit.rules, issues: hit.problems.map((p) => ({ ...p, ...at })) };
}

const cache = new WeakMap<TproxyConfig, Map<string, Computed>>();

function compute(
  version: KumaVersion,
  config: TproxyConfig,
  facts: HostFacts,
  kumaDp: { user: string; uid: number },
): Computed {
  const resolved = resolveHostFacts(facts);
  resolved.users = { ...resolved.users, [kumaDp.user]: kumaDp.uid };
  const user = resolveKumaDpUser(config, resolved.users);
  if (!user.ok) {
    const hint = 'set kumaDPUser to the kuma-dp user, or declare the user in hostFacts.users';
    return {
      problems: [
        { severity: 'error', code: 'rules.kuma-dp-user', message: `kumactl would stop: ${user.message}`, hint },
      ],
    };
  }
  const problems: Problem[] = [];
  const dns = config.redirect.dns;
  if (dns.enabled && !dns.captureAll && resolved.dnsServers.length === 0) {
    // kumactl then turns DNS redirection off per family with a warning (kumahq/kuma
    // pkg/transparentproxy/config/config.go@v2.14.3, DNS.Initialize).
    problems.push({
      severity: 'warning',
      code: 'rules.no-dns-servers',
      message: `DNS redirection is on but no nameservers are known, so kumactl would install no DNS rules (it reads them from ${dns.resolvConfigPath})`,
      hint: "declare the hosts' nameservers in hostFacts.dnsServers so reviews show the DNS rules",
    });
  }
  try {
    // One computation for render, diff, `tproxy rules` and the reconciler: `verbose` and `comments` included.
    const computed = computeRules(version, config, resolved, user.uid);
    return {
      rules: { facts: resolved, uid: user.uid, sets: computed.sets, dryRun: computed.dryRun, computed },
      problems,
    };
  } catch (e) {
    if (!(e instanceof KumaGitopsError)) throw e;
    return { problems: [{ severity: 'error', code: 'rules.build', message: `kumactl would stop: ${e.message}` }] };
  }
}
