import type { HostTarget } from '../model/host-target.js';
import type { EventLog } from '../model/log.js';
import type { HostPorts } from '../reconcile/host-ports.js';
import type { HostContext } from '../reconcile/prepare-host.js';
import { prepareRendered } from '../reconcile/prepare-host.js';
import { type ReconcileOutcome, reconcileHost } from '../reconcile/reconcile-host.js';
import type { AgentConfig } from './agent-config.js';
import type { AgentMetrics } from './agent-metrics.js';
import type { ApplyRendered } from './apply-revision.js';

/** The composition root's host settings from the agent's config (apply, heal and status drift use the same). */
export const hostContextOf = (config: AgentConfig, log: EventLog): HostContext => ({
  host: config.host,
  netns: config.netns,
  stateDir: config.stateDir,
  supervisor: config.supervisor,
  log,
});

/** One reconcile with the agent's host-side settings: an apply of a new revision and a heal alike. */
export const reconcileWith = (config: AgentConfig, target: HostTarget, ports: HostPorts, log: EventLog) =>
  reconcileHost({
    target,
    ports,
    stateDir: config.stateDir,
    readyTimeoutMs: config.readyTimeoutMs,
    failPolicy: config.failPolicy,
    dryRun: false,
    log,
  });

/**
 * The agent's door to the host: the same composition root and reconciler `kuma-gitops apply` uses, in-process
 * (lock, journal, safe order, readiness gate, rollback), with the agent's host-side settings.
 */
export function hostDoor(config: AgentConfig, metrics?: AgentMetrics): ApplyRendered {
  return async (rendered, commit, log) => {
    const context = hostContextOf(config, (event, data) => log(event, { ...data, commit }));
    const { target, ports } = await prepareRendered(context, rendered);
    const started = performance.now();
    const outcome: ReconcileOutcome = await reconcileWith(config, target, ports, context.log);
    if (outcome.recovered) context.log('recovered an interrupted apply', { recovered: outcome.recovered });
    metrics?.reconcile(outcome.status, (performance.now() - started) / 1000);
    if (outcome.status === 'rolled-back' || outcome.status === 'failed-open') metrics?.rollback();
    return outcome;
  };
}
