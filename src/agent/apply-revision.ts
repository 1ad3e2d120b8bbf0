import { compileHostAt } from '../compile/compile-at-revision.js';
import { KumaGitopsError } from '../errors.js';
import { gitdirReader } from '../io/git-reader.js';
import { formatIssue } from '../issues.js';
import type { EventLog } from '../model/log.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-host.js';
import type { RenderedHost } from '../render/rendered-host.js';
import type { AgentConfig } from './agent-config.js';
import type { AgentState } from './agent-state.js';
import { hostInputs } from './host-inputs.js';
import { afterCompile } from './revision-gate.js';
import { type GateAnswer, judgeRollout } from './rollout-gate.js';
import type { Verdict } from './verify-commit.js';

/** The one door to the host for the agent: prepare and reconcile a compiled host (agent/host-door.ts in production). */
export type ApplyRendered = (rendered: RenderedHost, commit: string, log: EventLog) => Promise<ReconcileOutcome>;

export interface RevisionContext {
  config: AgentConfig;
  gitdir: string;
  salt: string;
  apply: ApplyRendered;
  log: EventLog;
  now: () => Date;
  /** verify.mode head: the signature check of a new head (agent/verify-commit.ts); absent with mode none. */
  verify?: (commit: string) => Promise<Verdict>;
  /** The rollout gate's question (agent/alertmanager-gate.ts); absent when the agent has no Alertmanager. */
  askGate?: (commit: string) => Promise<GateAnswer>;
}

/** What happened to one revision on this host; the state is updated in place by the caller's rules below. */
export type RevisionResult =
  | { kind: 'applied' | 'unchanged' | 'recorded'; commit: string; rendered: RenderedHost }
  | { kind: 'invalid' | 'quarantined' | 'rolled-back'; commit: string; reason: string }
  | { kind: 'waiting' | 'paused' | 'gated'; commit: string; reason: string }
  | { kind: 'apply-error'; commit: string; reason: string; code: string };

/**
 * Compile this host at `commit` (every check), then record it without a plan (its inputs did not change), skip it
 * (quarantined), or plan and apply it. A revision that does not compile leaves the host untouched; one that is rolled
 * back is quarantined until a commit changes this host's inputs. `state` is updated; the caller writes it.
 */
export async function applyRevision(
  ctx: RevisionContext,
  state: AgentState,
  commit: string,
  o: { converge?: boolean } = {},
): Promise<RevisionResult> {
  const at = ctx.now().toISOString();
  const reader = await gitdirReader(ctx.gitdir, ctx.config.source.path, commit);
  let result: Awaited<ReturnType<typeof compileHostAt>>;
  try {
    result = await compileHostAt(reader, ctx.config.host, ctx.config.policy);
  } catch (e) {
    if (!(e instanceof KumaGitopsError)) throw e;
    // host.unknown: the desired-state folder or this host's file is missing at that commit.
    return refuse(state, commit, at, e.code, e.message);
  }
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 || result.rendered === undefined) {
    for (const issue of errors) ctx.log('invalid desired state', { commit, issue: formatIssue(issue) });
    const reason = `the desired state of host ${ctx.config.host} at ${commit.slice(0, 12)} has ${errors.length} error(s), first: ${formatIssue(errors[0]!)}`;
    return refuse(state, commit, at, 'agent.invalid-revision', reason);
  }
  const inputs = hostInputs(result, reader, ctx.salt);
  state.wave = result.rendered.desired.rollout.wave;
  // Converging at start always plans: after a reboot kuma-dp is down and the rules are gone, whatever the inputs.
  const next = o.converge ? ({ kind: 'apply' } as const) : afterCompile(state, inputs);
  if (next.kind === 'record-only') {
    state.lastGood = { commit, inputs, at, readinessPort: result.rendered.kumaDp.effective.readinessPort };
    state.refused = undefined;
    ctx.log('revision recorded: it does not change this host', { commit });
    return { kind: 'recorded', commit, rendered: result.rendered };
  }
  if (next.kind === 'quarantined') {
    const reason = `this host's inputs are those of ${next.since.slice(0, 12)}, quarantined: ${next.reason}`;
    ctx.log('revision skipped: quarantined', { commit, reason });
    return { kind: 'quarantined', commit, reason };
  }
  if (!o.converge) {
    const seen = state.seen.find((s) => s.commit === commit)?.at;
    const rollout = await judgeRollout(
      result.rendered.desired.rollout,
      commit,
      seen ? new Date(seen) : ctx.now(),
      ctx.now(),
      ctx.askGate,
    );
    state.rollout =
      rollout.kind === 'go'
        ? undefined
        : { commit, at, kind: rollout.kind, reason: rollout.reason, ...('due' in rollout ? { due: rollout.due } : {}) };
    if (rollout.kind !== 'go') {
      ctx.log(`revision ${rollout.kind}`, { commit, reason: rollout.reason });
      return { kind: rollout.kind, commit, reason: rollout.reason };
    }
  }
  let outcome: ReconcileOutcome;
  try {
    outcome = await ctx.apply(result.rendered, commit, ctx.log);
  } catch (e) {
    // Refused before any change (the host cannot take it now: a lock, a uid taken, kumactl's own refusal): tried
    // again at the next poll, since the host, not the revision, may be what changes.
    if (!(e instanceof KumaGitopsError)) throw e;
    ctx.log('revision not applied: nothing was changed', { commit, code: e.code, error: e.message });
    return { kind: 'apply-error', commit, reason: e.message, code: e.code };
  }
  if (outcome.status === 'applied' || outcome.status === 'unchanged') {
    state.lastGood = {
      commit,
      inputs,
      at: ctx.now().toISOString(),
      readinessPort: result.rendered.kumaDp.effective.readinessPort,
    };
    state.refused = undefined;
    ctx.log(outcome.status === 'applied' ? 'revision applied' : 'revision in sync', {
      commit,
      steps: outcome.plan.steps.length,
    });
    return { kind: outcome.status, commit, rendered: result.rendered };
  }
  const reason = `${outcome.status}: ${outcome.error ?? 'kuma-dp did not become ready'}`;
  if (o.converge) {
    // The last good revision itself failed (kuma-dp broken on this host?): there is nothing older to keep.
    ctx.log('the last good revision did not come up', { commit, reason });
    return { kind: 'rolled-back', commit, reason };
  }
  state.quarantined.push({ commit, inputs, at: ctx.now().toISOString(), reason });
  ctx.log('revision quarantined', { commit, reason });
  return { kind: 'rolled-back', commit, reason };
}

function refuse(state: AgentState, commit: string, at: string, code: string, reason: string): RevisionResult {
  state.refused = { commit, at, code, reason };
  return { kind: 'invalid', commit, reason };
}
