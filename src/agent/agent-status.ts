import type { AgentConfig } from './agent-config.js';
import type { AgentState } from './agent-state.js';
import type { DriftReport } from './read-drift.js';

/**
 * What a person on the host asks first, from the state directory and two live reads (kuma-dp's pid, `/ready`):
 * which revision runs and since when, how the last sync went, what is held back and why, and whether kuma-dp is up.
 */
export interface AgentStatusReport {
  host: string;
  source: { url: string; branch: string; path: string };
  health: 'healthy' | 'degraded' | 'error';
  /** Why not healthy, one line each. */
  problems: string[];
  applied?: { commit: string; at: string };
  lastSync?: AgentState['lastSync'];
  refused?: AgentState['refused'];
  /** Why the branch's newest revision is not applied yet: waiting for its wave, paused, or held by the gate. */
  rollout?: AgentState['rollout'];
  quarantined: AgentState['quarantined'];
  kumaDp: { pid?: number; ready?: boolean; readyError?: string };
  /** How the running agent watches for drift (from its state). */
  watch?: AgentState['watch'];
  /** The steps that would bring the host back to the applied revision; none: no drift. */
  drift?: DriftReport;
  /** The running agent's pid, if its lock is held. */
  agentPid?: number;
}

export interface LiveBits {
  drift?: DriftReport;
  agentPid?: number;
  kumaDpPid?: number;
  ready?: { ok: boolean; error?: string };
}

export function statusReport(config: AgentConfig, state: AgentState | undefined, live: LiveBits): AgentStatusReport {
  const problems: string[] = [];
  if (state === undefined) problems.push(`no agent state in ${config.stateDir}: the agent has not run here yet`);
  if (live.agentPid === undefined) problems.push('the agent is not running (no lock held in the state directory)');
  const sync = state?.lastSync;
  if (sync && !sync.ok) problems.push(`last sync at ${sync.at}: ${sync.result}${sync.error ? `: ${sync.error}` : ''}`);
  if (state?.refused && state.refused.commit !== state.lastGood?.commit) {
    problems.push(
      `revision ${state.refused.commit.slice(0, 12)} refused (${state.refused.code}): ${state.refused.reason}`,
    );
  }
  if (state?.lastGood && live.kumaDpPid === undefined) problems.push('kuma-dp is not running');
  if (live.drift && 'error' in live.drift) problems.push(`drift not known: ${live.drift.error}`);
  else if (live.drift && live.drift.steps.length > 0) {
    problems.push(
      `drift: the host differs from ${live.drift.commit.slice(0, 12)}; ${live.drift.steps.length} step(s) would bring it back: ${live.drift.steps.join('; ')}`,
    );
  }
  if (live.drift && 'shadowed' in live.drift) {
    for (const s of live.drift.shadowed) problems.push(`shadowed (left alone, not ours to change): ${s}`);
  }
  if (live.kumaDpPid !== undefined && live.ready && !live.ready.ok) {
    problems.push(
      `kuma-dp (pid ${live.kumaDpPid}) is not ready: ${live.ready.error ?? 'GET /ready did not answer 200'}`,
    );
  }
  return {
    host: config.host,
    source: { url: config.source.url, branch: config.source.branch, path: config.source.path },
    health: state === undefined ? 'error' : problems.length > 0 ? 'degraded' : 'healthy',
    problems,
    ...(state?.lastGood ? { applied: { commit: state.lastGood.commit, at: state.lastGood.at } } : {}),
    ...(sync ? { lastSync: sync } : {}),
    ...(state?.refused ? { refused: state.refused } : {}),
    ...(state?.rollout ? { rollout: state.rollout } : {}),
    quarantined: state?.quarantined.slice(-5) ?? [],
    kumaDp: {
      ...(live.kumaDpPid !== undefined ? { pid: live.kumaDpPid } : {}),
      ...(live.ready ? { ready: live.ready.ok, ...(live.ready.error ? { readyError: live.ready.error } : {}) } : {}),
    },
    ...(live.agentPid !== undefined ? { agentPid: live.agentPid } : {}),
    ...(live.drift ? { drift: live.drift } : {}),
    ...(state?.watch && live.agentPid !== undefined ? { watch: state.watch } : {}),
  };
}

export function formatStatusText(r: AgentStatusReport): string {
  const lines = [
    `host ${r.host}: ${r.health}`,
    `source: ${r.source.url} branch ${r.source.branch}${r.source.path ? ` folder ${r.source.path}` : ''}`,
    `agent: ${r.agentPid !== undefined ? `running (pid ${r.agentPid})` : 'not running'}`,
    `applied: ${r.applied ? `${r.applied.commit} at ${r.applied.at}` : 'nothing yet'}`,
  ];
  if (r.lastSync) {
    lines.push(
      `last sync: ${r.lastSync.at} ${r.lastSync.result}${r.lastSync.remote ? ` (branch at ${r.lastSync.remote.slice(0, 12)})` : ''}`,
    );
  }
  if (r.refused) lines.push(`refused: ${r.refused.commit} at ${r.refused.at} (${r.refused.code}): ${r.refused.reason}`);
  if (r.rollout) lines.push(`rollout: ${r.rollout.kind === 'gated' ? 'held' : r.rollout.kind}: ${r.rollout.reason}`);
  for (const q of r.quarantined) lines.push(`quarantined: ${q.commit} at ${q.at}: ${q.reason}`);
  const dp = r.kumaDp;
  lines.push(
    `kuma-dp: ${dp.pid !== undefined ? `pid ${dp.pid}` : 'not running'}${dp.ready === undefined ? '' : dp.ready ? ', ready' : `, not ready${dp.readyError ? ` (${dp.readyError})` : ''}`}`,
  );
  if (r.watch) {
    const every = `a full check every ${Math.round(r.watch.checkIntervalMs / 1000)} s`;
    lines.push(
      `drift watch: ${r.watch.mode === 'events' ? `iptables events (xtables-monitor) and ${every}` : r.watch.mode === 'polling' ? `polling only, ${every} (iptables-legacy gives no events)` : 'off'}`,
    );
  }
  if (r.drift && 'steps' in r.drift)
    lines.push(`drift: ${r.drift.steps.length === 0 ? 'none' : `${r.drift.steps.length} step(s) to converge`}`);
  for (const p of r.problems) lines.push(`problem: ${p}`);
  return `${lines.join('\n')}\n`;
}
