import { UsageError } from '../../errors.js';
import { prepareHost } from '../../reconcile/prepare-host.js';
import { type FailPolicy, reconcileHost } from '../../reconcile/reconcile-host.js';
import { writeFileSafely } from '../../system/safe-write.js';
import type { Command } from '../command.js';
import { formatOutcomeText } from '../format-plan.js';
import { reconcileLog } from '../reconcile-log.js';
import { HOST_FLAGS, hostArgs } from './host-flags.js';

export const applyCommand: Command = {
  spec: {
    name: 'apply',
    summary:
      "Bring the host to the desired state in the guide's safe order: user, files, kuma-dp, ready, rules, verify. Rolls back when kuma-dp does not become ready.",
    usage:
      'kuma-gitops apply --repo DIR --host H [--netns NS] [--supervisor process|systemd] [--ready-timeout S] [--fail-policy fail-open|keep] [--dry-run] [--metrics-file FILE]',
    details:
      'Exit 0: applied, or nothing to do. Exit 3: the change failed and was rolled back (or failed open: see the message).\n' +
      'Exit 1: error before anything changed (invalid repo, unknown host, not root, no iptables, missing token file,\n' +
      'uid taken by another user, xtables lock held too long).',
    flags: {
      ...HOST_FLAGS,
      'ready-timeout': { kind: 'string', default: '60', value: 'S', help: 'seconds kuma-dp has to answer ready' },
      'fail-policy': {
        kind: 'string',
        choices: ['fail-open', 'keep'],
        default: 'fail-open',
        value: 'P',
        help: 'when even the previous kuma-dp is not ready: remove the redirect rules (fail-open) or keep them',
      },
      'dry-run': { kind: 'boolean', help: 'read the host and print the plan; change nothing' },
      'metrics-file': {
        kind: 'string',
        value: 'FILE',
        help: "write the outcome as Prometheus metrics for node_exporter's textfile collector (written atomically)",
      },
    },
  },
  async run(args, io) {
    const host = args.strings.host!;
    const timeout = Number(args.strings['ready-timeout']);
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new UsageError(
        `kuma-gitops apply: --ready-timeout must be a positive number of seconds, not '${args.strings['ready-timeout']}'`,
      );
    const json = args.strings.output === 'json';
    const log = await reconcileLog(io, json, host);
    const stateDir = args.strings['state-dir']!;
    const { target, ports } = await prepareHost({ ...hostArgs(args, 'apply'), log });
    const started = performance.now();
    const outcome = await reconcileHost({
      target,
      ports,
      stateDir,
      readyTimeoutMs: timeout * 1000,
      failPolicy: args.strings['fail-policy'] as FailPolicy,
      dryRun: args.booleans['dry-run']!,
      log,
    });
    const metricsFile = args.strings['metrics-file'];
    if (metricsFile !== undefined && !args.booleans['dry-run']) {
      await writeMetricsFile(metricsFile, target.revision, outcome.status, (performance.now() - started) / 1000);
    }
    io.out(json ? `${JSON.stringify(outcome, null, 2)}\n` : formatOutcomeText(outcome));
    return outcome.status === 'rolled-back' || outcome.status === 'failed-open' ? 3 : 0;
  },
};

/**
 * The one-shot outcome for node_exporter's textfile collector: the revision (the target's content digest: apply reads
 * a working tree, not a commit), the reconcile's duration and result, a rollback. No process_* metrics, which would
 * collide with node_exporter's own. Loaded only when asked for: prom-client costs start-up time.
 */
async function writeMetricsFile(file: string, revision: string, result: string, seconds: number): Promise<void> {
  const { createAgentMetrics } = await import('../../agent/agent-metrics.js');
  const metrics = createAgentMetrics({ processMetrics: false });
  if (result === 'applied' || result === 'unchanged') metrics.applied(revision);
  metrics.reconcile(result, seconds);
  if (result === 'rolled-back' || result === 'failed-open') metrics.rollback();
  writeFileSafely(file, await metrics.registry.metrics(), { mode: 0o644, createParents: false });
}
