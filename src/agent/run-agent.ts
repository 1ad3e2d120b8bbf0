import { accessSync, constants, mkdirSync } from 'node:fs';
import { KumaGitopsError } from '../errors.js';
import { readHostOwnedFile } from '../io/host-owned-file.js';
import type { EventLog } from '../model/log.js';
import { refuseUnlessRootAndNetns } from '../reconcile/prepare-host.js';
import type { RenderedHost } from '../render/rendered-host.js';
import { acquirePidLock } from '../system/pid-lock.js';
import { onSyncAlerts } from './agent-alerts.js';
import type { AgentConfig } from './agent-config.js';
import { type AgentMetrics, createAgentMetrics } from './agent-metrics.js';
import { type AgentState, agentDir, readAccepted, readAgentState, writeAgentState } from './agent-state.js';
import { alertBook } from './alert-book.js';
import { alertSender } from './alert-sender.js';
import { alertmanagerGate } from './alertmanager-gate.js';
import { type ApplyRendered, applyRevision, type RevisionContext } from './apply-revision.js';
import { authorizationOf } from './credentials.js';
import { proxySettings } from './git-proxy.js';
import { openGitSource } from './git-source.js';
import { hostDoor } from './host-door.js';
import { type HostWatch, hostWatch } from './host-watch.js';
import { loadTrust } from './load-trust.js';
import { serveMetrics } from './metrics-server.js';
import { type SyncResult, syncOnce } from './sync-once.js';
import { verifyCommit } from './verify-commit.js';
import { type Wakeup, wakeup } from './wakeup.js';

export interface AgentRunOptions {
  config: AgentConfig;
  /** One sync, then exit (cron-style use, tests). */
  once?: boolean;
  log: EventLog;
  /** The door to the host; tests of the loop alone pass their own. */
  apply?: ApplyRendered;
  /** Owner uid required of the operator's files (root; tests that cannot chown pass their own). */
  owner?: number;
  /** Signals come in through this (SIGHUP: sync now; SIGTERM/SIGINT: stop after the current step). */
  signals?: (w: Wakeup) => () => void;
  salt: string;
}

/**
 * The agent: one per state directory. At start it converges the host to its last good revision from local state
 * (a reboot needs no network), then follows the branch: a sync per poll interval (with up to 10% jitter so a fleet
 * does not poll in step), or at once on SIGHUP. Returns the exit code of `--once` (0 ok, 2 not on the branch head).
 */
export async function runAgent(o: AgentRunOptions): Promise<number> {
  const { config, log } = o;
  if (o.apply === undefined) refuseUnlessRootAndNetns(config.host, config.netns);
  prepareStateDir(config.stateDir);
  const release = acquirePidLock(`${agentDir(config.stateDir)}/lock`, (owner, path) => ({
    code: 'agent.locked',
    message: `another kuma-gitops agent (pid ${owner}) uses the state directory ${config.stateDir}: run one agent per state directory, or remove ${path} if that process is not kuma-gitops`,
  }));
  const w = wakeup();
  const unhook = o.signals?.(w) ?? (() => undefined);
  let watch: HostWatch | undefined;
  let server: { port: number; close(): Promise<void> } | undefined;
  const metrics = createAgentMetrics();
  const sender = alertSender(
    { alertmanagers: config.alerts.alertmanager, ...(config.alerts.webhook ? { webhook: config.alerts.webhook } : {}) },
    (message, data) => log(`warning: ${message}`, data),
  );
  const alerts = alertBook({ host: config.host, sender, resendMs: config.alerts.resendMs });
  try {
    const state = readAgentState(config.stateDir);
    const ca = config.source.caFile === undefined ? undefined : readTrusted(config.source.caFile, o.owner);
    const source = await openGitSource({
      stateDir: config.stateDir,
      url: config.source.url,
      branch: config.source.branch,
      authorization: authorizationOf(config, o.owner),
      ca,
      timeoutMs: config.source.timeoutMs,
      proxy: proxySettings(config.source.proxy, process.env),
      onGitRequest: (request, seconds) => metrics.gitRequest(request, seconds),
      logger: { info: (d, m) => log(m, d), warn: (d, m) => log(`warning: ${m}`, d) },
    });
    const trust = await loadTrust(config, o.owner);
    const ctx: RevisionContext = {
      config,
      gitdir: source.gitdir,
      salt: o.salt,
      apply: o.apply ?? hostDoor(config, metrics),
      log,
      now: () => new Date(),
      ...(trust ? { verify: (commit: string) => verifyCommit(source.gitdir, commit, trust) } : {}),
      ...(config.alerts.alertmanager.length > 0 ? { askGate: alertmanagerGate(config.alerts.alertmanager) } : {}),
    };
    // One sync, apply, drift check or heal at a time.
    let queue: Promise<unknown> = Promise.resolve();
    const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    };
    watch =
      o.apply === undefined && config.drift.watch && !o.once
        ? hostWatch(config, log, serialize, metrics, alerts)
        : undefined;
    if (config.metrics && !o.once) {
      server = await serveMetrics(metrics.registry, config.metrics.host, config.metrics.port);
      log('serving metrics', { url: `http://${config.metrics.host}:${server.port}/metrics` });
    }
    const good = async (r: { kind: string; commit?: string; rendered?: RenderedHost }) => {
      if (!watch || !r.rendered || !r.commit || state.lastGood?.commit !== r.commit) return;
      await watch.onGood(r.commit, r.rendered);
      if (state.watch?.mode !== watch.mode) {
        state.watch = {
          mode: watch.mode,
          checkIntervalMs: config.drift.checkIntervalMs,
          since: new Date().toISOString(),
        };
        writeAgentState(config.stateDir, state);
      }
    };
    if (state.lastGood && (await source.has(state.lastGood.commit))) {
      log('converging to the last good revision from local state', { commit: state.lastGood.commit });
      // The watch is re-armed inside the lock: a check queued during the apply must see the new target, or it
      // would "heal" the host back to the old revision.
      const r = await serialize(async () => {
        const result = await applyRevision(ctx, state, state.lastGood!.commit, { converge: true });
        await good(result);
        return result;
      });
      log('converged', { result: r.kind, commit: r.commit, ...('reason' in r ? { reason: r.reason } : {}) });
      writeAgentState(config.stateDir, state);
    }
    let last: SyncResult | undefined;
    while (!w.stopped) {
      last = await serialize(async () => {
        const result = await syncOnce(ctx, source, state, readAccepted(config.stateDir));
        await good(result as { kind: string; commit?: string; rendered?: RenderedHost });
        return result;
      });
      writeAgentState(config.stateDir, state);
      record(metrics, last, state);
      onSyncAlerts(alerts, last);
      if (o.once) break;
      await w.sleep(jittered(config.source.pollMs));
    }
    return last === undefined || state.lastSync?.ok ? 0 : 2;
  } finally {
    alerts.stop();
    // Alerts already queued go out before the agent exits, for up to 5 s (an Alertmanager that is down waits).
    await Promise.race([sender.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await server?.close();
    watch?.stop();
    unhook();
    release();
  }
}

const jittered = (ms: number) => Math.round(ms * (1 + Math.random() * 0.1));

function prepareStateDir(dir: string): void {
  try {
    mkdirSync(agentDir(dir), { recursive: true, mode: 0o700 });
    accessSync(agentDir(dir), constants.W_OK);
  } catch (e) {
    throw new KumaGitopsError(
      'agent.state-unwritable',
      `the state directory ${dir} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the agent keeps its last good revision and journal there; make it writable by root, or set stateDir`,
      { stateDir: dir },
    );
  }
}

function readTrusted(path: string, owner?: number): string {
  const r = readHostOwnedFile(path, 'trusted', owner);
  if ('problem' in r) throw new KumaGitopsError(r.problem.code, `${r.problem.message}: ${r.problem.hint}`, { path });
  return r.text;
}

function record(metrics: AgentMetrics, r: SyncResult, state: AgentState): void {
  metrics.sync(r.kind, new Date());
  if (state.lastGood) metrics.applied(state.lastGood.commit);
  metrics.quarantined(state.quarantined.length);
  metrics.rollout(state.wave, state.rollout?.kind);
}
