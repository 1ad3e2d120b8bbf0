import { KumaGitopsError } from '../errors.js';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { EventLog } from '../model/log.js';
import { describeStep, isMutating, type Plan, type Step } from '../model/plan.js';
import type { HostPorts } from './host-ports.js';
import { planHost } from './plan-host.js';
import { type Journal, journalPath, writeJson } from './state-files.js';

interface StepContext {
  target: HostTarget;
  ports: HostPorts;
  dir: string;
  live: LiveState;
  readyTimeoutMs: number;
  log: EventLog;
}

/**
 * Execute the plan's steps in order. Each mutating step is written to the journal before it runs, so a killed run
 * can be undone from the journal. Throws on the first failure; the caller rolls back.
 */
export async function runSteps(plan: Plan, journal: Journal, ctx: StepContext): Promise<void> {
  for (const step of plan.steps) {
    if (isMutating(step)) {
      journal.steps.push({ kind: step.kind, detail: describeStep(step) });
      writeJson(journalPath(ctx.dir), journal);
    }
    const started = Date.now();
    try {
      await runStep(step, ctx);
    } catch (e) {
      const again = step.kind === 'verify' ? rulesChangedUnderUs(e) : undefined;
      if (!again) throw e;
      // Someone changed the rules while we applied (a flush by hand, a firewall reload): put ours back once, then
      // judge again. Without this a foreign write during the apply would roll back a good revision.
      ctx.log('rules changed while applying: applying them again', { families: again.families });
      journal.steps.push({ kind: again.kind, detail: describeStep(again) });
      writeJson(journalPath(ctx.dir), journal);
      await runStep(again, ctx);
      await runStep(step, ctx);
    }
    ctx.log('step done', {
      step: step.kind,
      detail: describeStep(step),
      reason: step.reason,
      ms: Date.now() - started,
    });
    failpoint(step);
  }
}

async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const { ports } = ctx;
  switch (step.kind) {
    case 'create-user':
      return ports.createUser(step.user, step.uid);
    case 'write-file':
      return ports.writeFile(step.file);
    case 'start-kuma-dp':
      return ports.startKumaDp(step.argv, step.env, step.restart);
    case 'wait-ready':
      return ports.waitReady(ctx.readyTimeoutMs);
    case 'apply-rules':
      // Read again: kuma-dp was just (re)started and the rules may have changed under us since planning.
      return ports.applyRules(step.families, await ports.readLive());
    case 'verify': {
      const live = await ports.readLive();
      const left = planHost(ctx.target, live).steps;
      if (left.length > 0) {
        throw new KumaGitopsError(
          'reconcile.verify-failed',
          `host ${ctx.target.host} is not in sync after applying: ${left.map((s) => `${s.kind} (${s.reason})`).join('; ')}`,
          { left },
        );
      }
      if (!live.kumaDp?.ready) {
        throw new KumaGitopsError(
          'kuma-dp.not-ready',
          `kuma-dp on ${ctx.target.host} stopped answering ready after the rules were installed`,
        );
      }
      return;
    }
  }
}

/**
 * Fault injection for the crash-safety tests: KUMA_GITOPS_FAILPOINT=after:<step kind>[:<n>] kills this process with
 * SIGKILL right after the n-th (default first) step of that kind, exactly as a crash would.
 */
const seen = new Map<string, number>();
function failpoint(step: Step): void {
  const spec = process.env.KUMA_GITOPS_FAILPOINT;
  if (!spec?.startsWith('after:')) return;
  const [kind, nth = '1'] = spec.slice('after:'.length).split(':');
  if (kind !== step.kind) return;
  const count = (seen.get(kind) ?? 0) + 1;
  seen.set(kind, count);
  if (count === Number(nth)) process.kill(process.pid, 'SIGKILL');
}

/** The rules step, when a failed verify found nothing left to do but the rules (and the readiness wait they need). */
function rulesChangedUnderUs(e: unknown): Extract<Step, { kind: 'apply-rules' }> | undefined {
  if (!(e instanceof KumaGitopsError) || e.code !== 'reconcile.verify-failed') return undefined;
  const left = (e.data.left ?? []) as Step[];
  if (!left.every((s) => s.kind === 'apply-rules' || s.kind === 'wait-ready' || s.kind === 'verify')) return undefined;
  return left.find((s): s is Extract<Step, { kind: 'apply-rules' }> => s.kind === 'apply-rules');
}
