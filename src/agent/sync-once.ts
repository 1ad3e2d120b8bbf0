import { KumaGitopsError } from '../errors.js';
import type { AcceptedRevision, AgentState } from './agent-state.js';
import { applyRevision, type RevisionContext, type RevisionResult } from './apply-revision.js';
import type { GitSource } from './git-source.js';
import { gateRevision, rewindMessage } from './revision-gate.js';

export type SyncResult =
  | RevisionResult
  | { kind: 'same'; commit: string }
  | { kind: 'refused'; commit: string; code: string; reason: string }
  | { kind: 'source-error'; code: string; reason: string }
  | { kind: 'held'; commit: string; reason: string };

const HELD = new Set(['refused', 'invalid', 'quarantined', 'rolled-back', 'held']);

/**
 * One sync: ask the server for the branch head (one small request), fetch only when it moved, refuse a rewind, then
 * compile and apply the new head. Several commits landing between two polls: only the newest is applied. A server
 * that cannot be reached leaves the host on its revision. `state` is updated; the caller writes it.
 */
export async function syncOnce(
  ctx: RevisionContext,
  source: GitSource,
  state: AgentState,
  accepted: readonly AcceptedRevision[] = [],
): Promise<SyncResult> {
  const at = ctx.now().toISOString();
  const result = await sync(ctx, source, state, accepted);
  // ok: the host is on the branch's head (or on purpose not: recorded). Anything else is worth a look.
  // Waiting for its wave or paused is the rollout working as set; held by the gate is worth a look.
  const ok =
    result.kind === 'same' ||
    result.kind === 'applied' ||
    result.kind === 'unchanged' ||
    result.kind === 'recorded' ||
    result.kind === 'waiting' ||
    result.kind === 'paused';
  // A rollout verdict stands until the head is judged again: a server that cannot be reached says nothing new.
  if (!['waiting', 'paused', 'gated', 'source-error'].includes(result.kind)) state.rollout = undefined;
  state.lastSync = {
    at,
    ok,
    result: result.kind,
    ...('commit' in result ? { remote: result.commit } : {}),
    ...('reason' in result && !ok ? { error: result.reason } : {}),
    ...('code' in result ? { code: result.code } : {}),
  };
  // The rendered host is for the caller, not the log: it would put the whole desired state in every line.
  const { rendered: _rendered, ...logged } = result as SyncResult & { rendered?: unknown };
  ctx.log('sync', { result: result.kind, ...logged });
  return result;
}

async function sync(
  ctx: RevisionContext,
  source: GitSource,
  state: AgentState,
  accepted: readonly AcceptedRevision[],
): Promise<SyncResult> {
  let remote: string | undefined;
  try {
    remote = await source.remoteHead();
    if (remote === undefined) {
      return {
        kind: 'source-error',
        code: 'agent.branch-missing',
        reason: `branch ${ctx.config.source.branch} does not exist on ${ctx.config.source.url} (deleted, or the repository is empty); the host stays on its revision`,
      };
    }
    if (!state.seen.some((s) => s.commit === remote)) state.seen.push({ commit: remote, at: ctx.now().toISOString() });
    if (remote === state.lastGood?.commit) return { kind: 'same', commit: remote };
    await source.fetch(remote);
  } catch (e) {
    if (!(e instanceof KumaGitopsError)) throw e;
    return { kind: 'source-error', code: e.code, reason: e.message };
  }
  const gate = gateRevision(
    state,
    accepted,
    remote,
    state.lastGood ? await source.isForward(state.lastGood.commit, remote) : true,
  );
  if (gate.kind === 'same') return { kind: 'same', commit: remote };
  if (gate.kind === 'rewind') {
    const reason = rewindMessage(gate.from, gate.to);
    state.refused = { commit: remote, at: ctx.now().toISOString(), code: 'agent.rewind', reason };
    return { kind: 'refused', commit: remote, code: 'agent.rewind', reason };
  }
  // A head already judged (refused, invalid, quarantined, rolled back) is not compiled again at every poll.
  const last = state.lastSync;
  if (gate.kind !== 'accepted' && last?.remote === remote && HELD.has(last.result)) {
    return { kind: 'held', commit: remote, reason: last.error ?? state.refused?.reason ?? last.result };
  }
  // Waiting for its wave: nothing can change before the due time (same commit, same desired state), so the head
  // is not verified and compiled again at every poll.
  const waiting = state.rollout;
  if (waiting?.kind === 'waiting' && waiting.commit === remote && waiting.due && ctx.now() < new Date(waiting.due)) {
    return { kind: 'waiting', commit: remote, reason: waiting.reason };
  }
  if (ctx.verify) {
    const verdict = await ctx.verify(remote);
    if (!verdict.ok) {
      state.refused = { commit: remote, at: ctx.now().toISOString(), code: verdict.code, reason: verdict.reason };
      return { kind: 'refused', commit: remote, code: verdict.code, reason: verdict.reason };
    }
    ctx.log('signature good', { commit: remote, kind: verdict.kind, signer: verdict.signer });
  }
  return applyRevision(ctx, state, remote);
}
