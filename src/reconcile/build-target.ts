import { createHash } from 'node:crypto';
import type { DesiredHost } from '../desired/desired-host.js';
import type { Family } from '../model/family.js';
import type { ResolvedHostFacts } from '../model/host-facts.js';
import type { HostTarget } from '../model/host-target.js';
import { computeHostRules } from '../render/host-rules.js';
import type { RenderedHost } from '../render/rendered-host.js';
import { isIP } from '../validate/kuma-names.js';
import { kumaDpNeeds } from './kuma-dp-needs.js';

/**
 * Make a rendered host concrete for the machine: rules from the LIVE facts (what kumactl would see there), files
 * with their modes, and a revision digest. Pure; returns issues instead of throwing for rules that cannot be built.
 */
export function buildHostTarget(
  host: DesiredHost,
  rendered: RenderedHost,
  liveFacts: ResolvedHostFacts,
): { target?: HostTarget; problems: string[] } {
  const { rules, issues } = computeHostRules(host, rendered.tproxy.config, liveFacts);
  const problems = issues.filter((i) => i.severity === 'error').map((i) => i.message);
  if (!rules) return { problems };
  const expected: HostTarget['rules']['expected'] = {};
  const restore: HostTarget['rules']['restore'] = {};
  for (const set of rules.sets) {
    const family = set.family as Family;
    expected[family] = rules.computed.expected(family);
    restore[family] = rules.computed.restore(family)!;
  }
  const address = rendered.dataplaneAddress;
  const content = {
    host: host.name,
    kumaDpUser: { name: host.kumaDp.user, uid: host.kumaDp.uid },
    // Templates and tproxy configs are not secrets; kuma-dp (another user) must read them, only root writes them.
    files: rendered.files.map((f) => ({
      purpose: f.purpose,
      path: f.path,
      content: f.content,
      mode: 0o644,
      uid: 0,
      gid: 0,
    })),
    kumaDp: {
      argv: rendered.kumaDp.argv,
      env: rendered.kumaDp.env,
      readiness: {
        address: address !== undefined && isIP(address) && address.includes(':') ? '::1' : '127.0.0.1',
        port: rendered.kumaDp.effective.readinessPort,
      },
      tokenFile: rendered.kumaDp.effective.tokenFile,
    },
    rules: {
      expected,
      restore,
      wait: rendered.tproxy.config.wait,
      waitIntervalUs: rendered.tproxy.config.waitInterval,
    },
  };
  const revision = createHash('sha256')
    .update(JSON.stringify([content.files, content.kumaDp, restore, content.kumaDpUser]))
    .digest('hex')
    .slice(0, 16);
  const access = kumaDpNeeds(
    host,
    rendered.kumaDp,
    content.files.map((f) => f.path),
  );
  return { target: { ...content, access, revision }, problems };
}
