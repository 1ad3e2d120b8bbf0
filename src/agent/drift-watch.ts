import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import { DRIFT_DEFAULTS, type DriftAction } from '../model/drift-class.js';
import type { HostTarget } from '../model/host-target.js';
import type { EventLog } from '../model/log.js';
import { classifyDrift, type DriftClass, type DriftFinding } from '../reconcile/classify-drift.js';
import type { HostPorts } from '../reconcile/host-ports.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-host.js';
import { pidExists } from '../system/pid-exists.js';
import type { HealLimit } from './heal-limit.js';
import { ruleMonitors } from './rule-monitors.js';

/**
 * The drift watch: triggers (xtables-monitor events on nft, kuma-dp's pid gone, the written files changed, a
 * periodic full check) feed one debounced re-check that reads the live state, classifies the drift against the last
 * good revision's target, and heals it through the normal reconcile (safe order, readiness gate, rollback), rate
 * limited per class; a class the desired state says to alert on only is reported, not healed (always so for
 * `token-problem`: the agent cannot make a token). Checks and heals run under the
 * agent's one lock, so the agent's own writes are never seen half-done and never count as drift.
 */
export interface Armed {
  commit: string;
  target: HostTarget;
  ports: HostPorts;
  backend: 'nft' | 'legacy';
  /** Native nftables could be read on this host (`nft` is installed): watch it with `nft monitor` too. */
  nativeNft?: boolean;
  /** Heal or only alert, per class, from the desired state (default: heal all but ALERT_ONLY). */
  policy?: Readonly<Record<DriftClass, DriftAction>>;
}

export interface DriftWatchOptions {
  netns?: string;
  log: EventLog;
  /** The agent's lock: one sync, apply, check or heal at a time. */
  serialize: <T>(fn: () => Promise<T>) => Promise<T>;
  heal: (armed: Armed) => Promise<ReconcileOutcome>;
  limit: HealLimit;
  checkIntervalMs: number;
  debounceMs?: number;
  now?: () => number;
  /** Called after each check with the classes found (none: in sync). */
  onChecked?: (findings: DriftFinding[]) => void;
  /** A class found that was not there at the last check, and what triggered the check. */
  onDrift?: (c: DriftClass, sources: string[]) => void;
  onHeal?: (classes: DriftClass[], outcome: ReconcileOutcome) => void;
  /** A class found before is gone. */
  onResolved?: (c: DriftClass) => void;
  /** A class went over its heal limit (with the last writer xtables-monitor named), or came back under it. */
  onFlapping?: (c: DriftClass, flapping: boolean, writer?: { pid: number; name: string }) => void;
}

export interface DriftWatch {
  /** Watch the host against this revision's target from now on. */
  arm(armed: Armed): void;
  /** Check at once (debounced with the other triggers). */
  trigger(source: string): void;
  readonly mode: 'events' | 'polling' | 'off';
  stop(): void;
}

export function startDriftWatch(o: DriftWatchOptions): DriftWatch {
  const now = o.now ?? Date.now;
  let armed: Armed | undefined;
  let watchers: FSWatcher[] = [];
  let pending: NodeJS.Timeout | undefined;
  let reported = new Set<DriftClass>();
  const flappingSaid = new Set<DriftClass>();
  let lastWriter: { pid: number; name: string } | undefined;
  const monitors = ruleMonitors(o.netns, (source, writer) => {
    if (writer) lastWriter = writer;
    trigger(source);
  });
  const sources = new Set<string>();
  // kuma-dp's pid as last read: its disappearance is a trigger (polled every 500 ms, a kill(0) each).
  let kumaDpPid: number | undefined;

  const check = async (batch: string[]) => {
    const a = armed;
    if (!a) return;
    const live = await a.ports.readLive({ nativeNft: true });
    kumaDpPid = live.kumaDp?.pid;
    const findings = classifyDrift(a.target, live);
    o.onChecked?.(findings);
    const classes = settle(a, findings, batch);
    const t = now();
    const healable = [...classes].filter((c) => (a.policy ?? DRIFT_DEFAULTS)[c] === 'heal');
    const allowed = healable.filter((c) => o.limit.take(c, t));
    for (const c of healable.filter((x) => !allowed.includes(x) && o.limit.flapping(x, t) && !flappingSaid.has(x))) {
      flappingSaid.add(c);
      o.log('warning: flapping: not healing this class until the window has room', {
        class: c,
        writer: lastWriter,
        commit: a.commit,
      });
      o.onFlapping?.(c, true, lastWriter);
    }
    for (const c of flappingSaid) {
      if (o.limit.flapping(c, t)) continue;
      flappingSaid.delete(c);
      o.onFlapping?.(c, false);
    }
    if (allowed.length === 0) return;
    o.log('healing drift', { classes: allowed, commit: a.commit });
    const outcome = await o.heal(a);
    o.onHeal?.(allowed, outcome);
    o.log(outcome.status === 'applied' || outcome.status === 'unchanged' ? 'drift healed' : 'heal failed', {
      classes: allowed,
      status: outcome.status,
      commit: a.commit,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    // The heal's own writes are not drift: read again, now that they are done.
    const liveAfter = await a.ports.readLive({ nativeNft: true });
    kumaDpPid = liveAfter.kumaDp?.pid;
    const after = classifyDrift(a.target, liveAfter);
    o.onChecked?.(after);
    settle(a, after, batch);
  };

  /** Says what is new and what has cleared since the last check; returns the classes found now. */
  const settle = (a: Armed, findings: DriftFinding[], batch: string[]): Set<DriftClass> => {
    const classes = new Set(findings.map((f) => f.class));
    for (const c of reported) {
      if (classes.has(c)) continue;
      o.log('drift resolved', { class: c, commit: a.commit });
      o.onResolved?.(c);
    }
    for (const f of findings) {
      if (reported.has(f.class)) continue;
      o.log('drift', { class: f.class, detail: f.detail, commit: a.commit, sources: batch });
      for (const source of batch) o.onDrift?.(f.class, [source]);
    }
    reported = classes;
    return classes;
  };

  const trigger = (source: string) => {
    sources.add(source);
    if (pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      // The triggers of this check: later ones belong to the next.
      const batch = [...sources];
      sources.clear();
      void o
        .serialize(() => check(batch))
        .catch((e: Error) => o.log('warning: drift check failed', { error: e.message }));
    }, o.debounceMs ?? 300);
  };

  const periodic = setInterval(() => trigger('periodic'), o.checkIntervalMs);
  periodic.unref();
  const alive = setInterval(() => {
    if (kumaDpPid !== undefined && !pidExists(kumaDpPid)) {
      kumaDpPid = undefined;
      trigger('kuma-dp-exit');
    }
  }, 500);
  alive.unref();

  return {
    arm(a) {
      armed = a;
      for (const w of watchers) w.close();
      watchers = [...new Set(a.target.files.map((f) => dirname(f.path)))].flatMap((dir) => {
        try {
          return [
            watch(dir, { persistent: false }, (_event, name) => {
              if (a.target.files.some((f) => f.path === `${dir}/${name}`)) trigger('file');
            }),
          ];
        } catch {
          return [];
        }
      });
      monitors.arm(a.backend, a.nativeNft === true);
      trigger('armed');
    },
    trigger,
    get mode() {
      return armed === undefined ? 'off' : monitors.events ? 'events' : 'polling';
    },
    stop() {
      clearInterval(periodic);
      clearInterval(alive);
      if (pending) clearTimeout(pending);
      monitors.stop();
      for (const w of watchers) w.close();
    },
  };
}
