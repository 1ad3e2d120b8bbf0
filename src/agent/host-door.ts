import { prepareRendered } from '../reconcile/prepare-host.js';
import { reconcileHost } from '../reconcile/reconcile-host.js';
import type { AgentConfig } from './agent-config.js';
import type { AgentMetrics } from './agent-metrics.js';
import type { ApplyRendered } from './apply-revision.js';

/**
 * The agent's door to the host: the same composition root and reconciler `kuma-gitops apply` uses, in-process
 * (lock, journal, safe order, readiness gate, rollback), with the agent's host-side settings.
 */
export function hostDoor(config: AgentConfig, metrics?: AgentMetrics): ApplyRendered {
  return async (rendered, commit, log) => {
    const context = {
      host: config.host,
      netns: config.netns,
      stateDir: config.stateDir,
      supervisor: config.supervisor,
      log: (event: string, data?: Record<string, unknown>) => log(event, { ...data, commit }),
    };
    const { target, ports } = await prepareRendered(context, rendered);
    const started = performance.now();
    const outcome = await reconcileHost({
      target,
      ports,
      stateDir: config.stateDir,
      readyTimeoutMs: config.readyTimeoutMs,
      failPolicy: config.failPolicy,
      dryRun: false,
      log: context.log,
    });
    if (outcome.recovered) context.log('recovered an interrupted apply', { recovered: outcome.recovered });
    metrics?.reconcile(outcome.status, (performance.now() - started) / 1000);
    if (outcome.status === 'rolled-back' || outcome.status === 'failed-open') metrics?.rollback();
    return outcome;
  };
}
