import { existsSync } from 'node:fs';
import { compileHostAt, renderedOrThrow } from '../compile/compile-at-revision.js';
import { KumaGitopsError } from '../errors.js';
import { dirRepoReader } from '../io/dir-reader.js';
import { detectIptablesBackend } from '../live/iptables-backend.js';
import { composeHostFacts, readNetworkFacts } from '../live/read-facts.js';
import { readUserDb } from '../live/users.js';
import type { HostTarget } from '../model/host-target.js';
import type { EventLog } from '../model/log.js';
import type { RenderedHost } from '../render/rendered-host.js';
import { createHostSupervisor } from '../supervisor/host-supervisor.js';
import { createCommandRunner } from '../system/execa-runner.js';
import type { HostPolicy } from '../validate/host-policy.js';
import { buildHostTarget } from './build-target.js';
import type { HostPorts } from './host-ports.js';
import { realHostPorts } from './real-host-ports.js';
import { checkXtablesLock } from './xtables-lock.js';

export interface HostContext {
  host: string;
  netns: string | undefined;
  stateDir: string;
  supervisor: 'process' | 'systemd';
  log: EventLog;
}

export interface PrepareOptions extends HostContext {
  repo: string;
  /** What the repository may make this host do (host-side, never from the repository). */
  policy: HostPolicy;
}

/**
 * Everything before the first change: root, a valid desired state for the host, usable iptables, and the target
 * computed from the host's live facts. Each failure is an error that says what to do; nothing has changed yet.
 */
export async function prepareHost(o: PrepareOptions): Promise<{ target: HostTarget; ports: HostPorts }> {
  refuseUnlessRootAndNetns(o.host, o.netns);
  const result = await compileHostAt(dirRepoReader(o.repo), o.host, o.policy);
  return prepareRendered(o, renderedOrThrow(result, o.repo));
}

/** The checks that need no repository: a reconcile runs as root, in a namespace that exists. */
export function refuseUnlessRootAndNetns(host: string, netns: string | undefined): void {
  if (process.getuid?.() !== 0) {
    throw new KumaGitopsError(
      'reconcile.not-root',
      `reconciling host ${host} needs root (iptables, users, files under /kuma): run it with sudo or as root; nothing was changed`,
    );
  }
  // `ip netns exec` into a missing namespace fails every command alike; iptables detection would then say
  // "install the iptables package". /run/netns is where `ip netns add` puts them (iproute2 ip-netns(8)).
  if (netns !== undefined && !existsSync(`/run/netns/${netns}`)) {
    throw new KumaGitopsError(
      'netns.missing',
      `network namespace ${netns} does not exist (no /run/netns/${netns}): create it with ip netns add, or leave out --netns; nothing was changed`,
      { netns },
    );
  }
}

/** The composition root: the real adapters (runner, supervisor, ports) and the target for an already compiled host. */
export async function prepareRendered(
  o: HostContext,
  rendered: RenderedHost,
): Promise<{ target: HostTarget; ports: HostPorts }> {
  const runner = createCommandRunner({ netns: o.netns });
  const [backend, users, network] = await Promise.all([
    detectIptablesBackend(runner),
    readUserDb(),
    readNetworkFacts(runner),
  ]);
  for (const w of backend.warnings) o.log(`warning: ${w}`);
  await checkXtablesLock(runner, backend);
  const facts = composeHostFacts(network, backend, users);
  const { target, problems } = buildHostTarget(rendered.desired, rendered, facts);
  if (!target) {
    throw new KumaGitopsError(
      'reconcile.rules',
      `kumactl would refuse the rules for host ${o.host} on this machine: ${problems.join('; ')}; nothing was changed`,
      { problems },
    );
  }
  const supervisor = await createHostSupervisor({
    kind: o.supervisor,
    host: o.host,
    stateDir: o.stateDir,
    netns: o.netns,
    runner,
  });
  return { target, ports: realHostPorts({ runner, supervisor, target, backend, network, users, log: o.log }) };
}
