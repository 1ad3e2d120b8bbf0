import { describeStep, type Plan } from '../model/plan.js';
import { describeShadowing, type NativeNftView } from '../reconcile/native-nft-report.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-host.js';

/** A plan as an SRE reads it: one line per step, what and why, in the order it will run. */
export function formatPlanText(plan: Plan): string {
  if (plan.steps.length === 0) return `${plan.host}: in sync with revision ${plan.revision}; nothing to do\n`;
  const lines = plan.steps.map((s, i) => {
    const what = describeStep(s);
    return `  ${String(i + 1).padStart(2)}. ${s.kind}${what ? ` ${what}` : ''}: ${s.reason}`;
  });
  return `${plan.host}: ${plan.steps.length} step(s) to revision ${plan.revision}\n${lines.join('\n')}\n`;
}

/**
 * Native nftables chains that can take Kuma's traffic: not steps (they are another tool's, so nothing here changes
 * them), but an SRE reading the plan must see them, or "in sync" would be wrong about the traffic.
 */
export function formatNativeNftText(view: NativeNftView): string {
  if ('unavailable' in view) return `note: ${view.unavailable}\n`;
  if (view.shadowing.length === 0) return '';
  const lines = view.shadowing.map((s) => `warning: shadowed: ${describeShadowing(s)}`);
  lines.push(
    "  these chains are not managed here and are left alone: move them after Kuma's (priority above -100, e.g. dstnat + 10), or exclude the traffic Kuma redirects from them",
  );
  return `${lines.join('\n')}\n`;
}

export function formatOutcomeText(o: ReconcileOutcome): string {
  const lines: string[] = [];
  if (o.recovered) lines.push(`recovered: ${o.recovered}`);
  switch (o.status) {
    case 'unchanged':
      lines.push(`${o.plan.host}: in sync with revision ${o.plan.revision}; nothing to do`);
      break;
    case 'planned':
      lines.push(`dry run: nothing was changed\n${formatPlanText(o.plan).trimEnd()}`);
      break;
    case 'applied':
      lines.push(`${o.plan.host}: applied revision ${o.plan.revision} (${o.plan.steps.length} steps)`);
      break;
    case 'rolled-back':
      lines.push(`${o.plan.host}: revision ${o.plan.revision} FAILED and was rolled back: ${o.error}`);
      lines.push('the host runs its previous state; this revision will not be retried until the desired state changes');
      break;
    case 'failed-open':
      lines.push(
        `${o.plan.host}: revision ${o.plan.revision} FAILED and the previous state did not come up either: ${o.error}`,
      );
      lines.push(
        '!!! FAILED OPEN: all transparent-proxy rules were removed. The host is reachable but OUT OF THE MESH. !!!',
      );
      break;
  }
  return `${lines.join('\n')}\n`;
}
