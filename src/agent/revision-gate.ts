import type { AcceptedRevision, AgentState } from './agent-state.js';

/**
 * The agent's decisions about a revision, pure so each can be tested as a table. Only forward: the revision to apply
 * must be the last good one or a descendant of it; a force-pushed branch is refused until an operator accepts that
 * exact commit (`kuma-gitops agent accept`), as comin refuses a hard reset branch.
 */
export type Gate =
  | { kind: 'same' }
  | { kind: 'forward' }
  | { kind: 'accepted' }
  | { kind: 'rewind'; from: string; to: string }
  | { kind: 'first' };

export function gateRevision(
  state: AgentState,
  accepted: readonly AcceptedRevision[],
  commit: string,
  isForward: boolean,
): Gate {
  const good = state.lastGood?.commit;
  if (good === undefined) return { kind: 'first' };
  if (good === commit) return { kind: 'same' };
  if (isForward) return { kind: 'forward' };
  if (accepted.some((a) => a.commit === commit)) return { kind: 'accepted' };
  return { kind: 'rewind', from: good, to: commit };
}

/** After compiling: record without a plan, skip a quarantined input set, or plan and apply. */
export type AfterCompile =
  | { kind: 'record-only' }
  | { kind: 'quarantined'; since: string; reason: string }
  | { kind: 'apply' };

export function afterCompile(state: AgentState, inputs: string): AfterCompile {
  // Same inputs as the revision that works: nothing about this host changed, so there is nothing to plan.
  if (state.lastGood?.inputs === inputs) return { kind: 'record-only' };
  const q = state.quarantined.findLast((r) => r.inputs === inputs);
  if (q) return { kind: 'quarantined', since: q.commit, reason: q.reason };
  return { kind: 'apply' };
}

export function rewindMessage(from: string, to: string): string {
  return (
    `the branch was rewound: ${to.slice(0, 12)} does not descend from ${from.slice(0, 12)}, the last revision applied ` +
    `here; the host stays on ${from.slice(0, 12)}. If the rewrite is intended, run: kuma-gitops agent accept ${to}`
  );
}
