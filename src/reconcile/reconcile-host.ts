import { join } from 'node:path';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { EventLog } from '../model/log.js';
import type { Plan } from '../model/plan.js';
import { acquireHostLock } from './host-lock.js';
import type { HostPorts } from './host-ports.js';
import { planHost } from './plan-host.js';
import { refuseUnlessPossible } from './preconditions.js';
import { recoverInterrupted, rollBack } from './roll-back-host.js';
import { runSteps } from './run-steps.js';
import {
  type HostStatus,
  hostStateDir,
  journalPath,
  readJson,
  removeJournal,
  statusPath,
  writeJson,
} from './state-files.js';

export type FailPolicy = 'fail-open' | 'keep';

export interface ReconcileOptions {
  target: HostTarget;
  ports: HostPorts;
  stateDir: string;
  readyTimeoutMs: number;
  failPolicy: FailPolicy;
  dryRun: boolean;
  log: EventLog;
}

export interface ReconcileOutcome {
  /** unchanged: in sync; applied; planned: dry run; rolled-back / failed-open: the new revision did not come up. */
  status: 'unchanged' | 'applied' | 'planned' | 'rolled-back' | 'failed-open';
  plan: Plan;
  /** Recovery of an interrupted earlier run, if there was one. */
  recovered?: string;
  error?: string;
}

/** One reconcile of one host: lock, recover, check, plan, journal, execute, verify, roll back on failure. */
export async function reconcileHost(o: ReconcileOptions): Promise<ReconcileOutcome> {
  const dir = hostStateDir(o.stateDir, o.target.host);
  const release = acquireHostLock(dir, o.target.host);
  try {
    const recovered = o.dryRun ? undefined : await recoverInterrupted(dir, o.ports, o.log);
    const live = await o.ports.readLive();
    refuseUnlessPossible(o.target, live, '; nothing was changed');
    const plan = planHost(o.target, live);
    if (plan.steps.length === 0) return { status: 'unchanged', plan, recovered };
    if (o.dryRun) return { status: 'planned', plan, recovered };

    const journal = {
      host: o.target.host,
      revision: o.target.revision,
      startedAt: new Date().toISOString(),
      previous: {
        files: Object.fromEntries(o.target.files.map((f) => [f.path, live.files[f.path] ?? null])),
        kumaDp: live.kumaDp ? { argv: live.kumaDp.argv, env: restartableEnv(live.kumaDp) } : null,
        rules: o.ports.snapshotRules(live),
        backend: live.rules.backend,
      },
      steps: [],
    };
    writeJson(journalPath(dir), journal);
    try {
      await runSteps(plan, journal, { ...o, dir, live });
    } catch (e) {
      const error = (e as Error).message;
      o.log('apply failed, rolling back', { error });
      const back = await rollBack(journal, o.ports, {
        readyTimeoutMs: o.readyTimeoutMs,
        failPolicy: o.failPolicy,
        log: o.log,
      });
      removeJournal(dir);
      setStatus(dir, {
        lastFailed: {
          revision: o.target.revision,
          at: new Date().toISOString(),
          error,
          rolledBack: true,
          failedOpen: back.failedOpen,
        },
      });
      return { status: back.failedOpen ? 'failed-open' : 'rolled-back', plan, recovered, error };
    }
    removeJournal(dir);
    setStatus(dir, { lastApplied: { revision: o.target.revision, at: new Date().toISOString() } });
    return { status: 'applied', plan, recovered };
  } finally {
    release();
  }
}

export function readStatus(stateDir: string, host: string): HostStatus {
  // Reading creates nothing: `plan` changes nothing, not even the state directory.
  return readJson<HostStatus>(statusPath(join(stateDir, host))) ?? {};
}

function setStatus(dir: string, update: HostStatus): void {
  writeJson(statusPath(dir), { ...readJson<HostStatus>(statusPath(dir)), ...update });
}

/**
 * The environment a rollback restarts the previous kuma-dp with. Ours: as it was started. One started by hand ran in
 * a shell's environment (its PATH, HOME, ...), which the supervisor refuses to pass through root's processes: only
 * its KUMA_* variables change kuma-dp, so only those are kept, as adopt does.
 */
function restartableEnv(kd: NonNullable<LiveState['kumaDp']>): Record<string, string> {
  if (!kd.byHand) return kd.env;
  return Object.fromEntries(Object.entries(kd.env).filter(([name]) => name.startsWith('KUMA_')));
}
