import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DRIFT_CLASSES, type DriftClass } from '../reconcile/classify-drift.js';

/**
 * The agent's Prometheus metrics (prom-client), named after Flux's gotk_reconcile_*, Argo CD's argocd_app_* and
 * comin's comin_deployment_info: what revision runs, how syncs and reconciles go, how long git takes, drift per
 * class (0/1), drift events, heals, rollbacks, quarantined revisions, the last sync. The token and the repository
 * URL's credentials never become labels: labels are revisions, results, classes and sources only.
 */
export interface AgentMetrics {
  registry: Registry;
  applied(revision: string): void;
  sync(result: string, at: Date): void;
  reconcile(result: string, seconds: number): void;
  gitRequest(request: string, seconds: number): void;
  drift(present: ReadonlySet<DriftClass>): void;
  driftCheck(): void;
  driftEvent(c: DriftClass, source: string): void;
  heal(c: DriftClass): void;
  rollback(): void;
  quarantined(count: number): void;
  /** This host's wave and whether the newest revision waits, is paused or is held (all 0: nothing pending). */
  rollout(wave: number | undefined, pending: 'waiting' | 'paused' | 'gated' | undefined): void;
}

export function createAgentMetrics(o: { processMetrics?: boolean } = {}): AgentMetrics {
  const registry = new Registry();
  // A textfile for node_exporter must not carry process_* metrics: node_exporter has its own of those names.
  if (o.processMetrics !== false) {
    // prom-client samples event-loop delay every 10 ms by default (perf_hooks.monitorEventLoopDelay): a hundred
    // wake-ups a second, most of an idle agent's CPU. One a second still shows a loop blocked by a long compile.
    collectDefaultMetrics({ register: registry, prefix: 'kuma_gitops_', eventLoopMonitoringPrecision: 1000 });
    // Gauges named *_total: Prometheus' lint (promtool check metrics) rejects them, and nothing here needs them.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      registry.removeSingleMetric(`kuma_gitops_${name}`);
  }
  const registers = [registry];
  const appliedInfo = new Gauge({
    name: 'kuma_gitops_applied_revision_info',
    help: 'The revision (git commit) this host is on: 1 for the applied revision.',
    labelNames: ['revision'],
    registers,
  });
  const syncs = new Counter({
    name: 'kuma_gitops_sync_total',
    help: 'Syncs with the git source, by result.',
    labelNames: ['result'],
    registers,
  });
  const lastSync = new Gauge({
    name: 'kuma_gitops_last_sync_timestamp_seconds',
    help: 'When the last sync ended (Unix time).',
    registers,
  });
  const reconciles = new Histogram({
    name: 'kuma_gitops_reconcile_duration_seconds',
    help: 'Duration of reconciles that changed or checked the host, by result.',
    labelNames: ['result'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const git = new Histogram({
    name: 'kuma_gitops_git_request_duration_seconds',
    help: 'Duration of HTTP requests to the git server, by request (refs or pack).',
    labelNames: ['request'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const driftGauge = new Gauge({
    name: 'kuma_gitops_drift',
    help: 'Whether the host drifted from its revision, by drift class (0 or 1).',
    labelNames: ['class'],
    registers,
  });
  const driftEvents = new Counter({
    name: 'kuma_gitops_drift_events_total',
    help: 'Drift found, by class and by what triggered the check that found it.',
    labelNames: ['class', 'source'],
    registers,
  });
  const checks = new Counter({
    name: 'kuma_gitops_drift_checks_total',
    help: 'Drift checks run (each reads the live state once).',
    registers,
  });
  const heals = new Counter({
    name: 'kuma_gitops_heals_total',
    help: 'Heals started, by drift class.',
    labelNames: ['class'],
    registers,
  });
  const rollbacks = new Counter({
    name: 'kuma_gitops_rollbacks_total',
    help: 'Changes rolled back because kuma-dp did not become ready.',
    registers,
  });
  const quarantined = new Gauge({
    name: 'kuma_gitops_quarantined_revisions',
    help: 'Revisions quarantined on this host.',
    registers,
  });
  const rolloutInfo = new Gauge({
    name: 'kuma_gitops_rollout_info',
    help: "This host's rollout wave, from the last revision it compiled (1 for the current wave).",
    labelNames: ['wave'],
    registers,
  });
  const rolloutState = new Gauge({
    name: 'kuma_gitops_rollout_pending',
    help: 'The newest revision is not applied yet: waiting for its wave, paused, or held by the rollout gate (0/1).',
    labelNames: ['state'],
    registers,
  });
  for (const c of DRIFT_CLASSES) driftGauge.set({ class: c }, 0);
  for (const s of ['waiting', 'paused', 'held']) rolloutState.set({ state: s }, 0);
  let wave: number | undefined;
  let current: string | undefined;
  return {
    registry,
    applied(revision) {
      if (current !== undefined && current !== revision) appliedInfo.remove({ revision: current });
      current = revision;
      appliedInfo.set({ revision }, 1);
    },
    sync(result, at) {
      syncs.inc({ result });
      lastSync.set(at.getTime() / 1000);
    },
    reconcile: (result, seconds) => reconciles.observe({ result }, seconds),
    gitRequest: (request, seconds) => git.observe({ request }, seconds),
    drift(present) {
      for (const c of DRIFT_CLASSES) driftGauge.set({ class: c }, present.has(c) ? 1 : 0);
    },
    driftCheck: () => checks.inc(),
    driftEvent: (c, source) => driftEvents.inc({ class: c, source }),
    heal: (c) => heals.inc({ class: c }),
    rollback: () => rollbacks.inc(),
    quarantined: (count) => quarantined.set(count),
    rollout(now, pending) {
      if (wave !== undefined && wave !== now) rolloutInfo.remove({ wave: String(wave) });
      wave = now;
      if (now !== undefined) rolloutInfo.set({ wave: String(now) }, 1);
      for (const s of ['waiting', 'paused', 'gated'] as const) {
        rolloutState.set({ state: s === 'gated' ? 'held' : s }, pending === s ? 1 : 0);
      }
    },
  };
}
