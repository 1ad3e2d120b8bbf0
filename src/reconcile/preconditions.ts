import { KumaGitopsError } from '../errors.js';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import { extractOwned } from '../rules-apply/owned-state.js';
import { foreignReferences } from '../rules-apply/transition-payload.js';
import { accessProblems } from './access-problems.js';

/**
 * Refusals checked before anything changes: the host must be able to take the target at all. Each message names
 * the subject, what is wrong and what to do.
 */
export function checkPreconditions(target: HostTarget, live: LiveState): string[] {
  const problems: string[] = [];
  const { name, uid } = target.kumaDpUser;
  const existing = live.facts.users[name];
  if (existing !== undefined && existing !== uid) {
    problems.push(
      `user ${name} exists with uid ${existing}, but the desired state says uid ${uid}: set kumaDp.uid: ${existing} or change the user`,
    );
  }
  const owner = Object.entries(live.facts.users).find(([n, u]) => u === uid && n !== name);
  if (existing === undefined && owner) {
    problems.push(
      `uid ${uid} is already taken by user ${owner[0]}, so user ${name} cannot be created with it: choose another kumaDp.uid, or set kumaDp.user: ${owner[0]}`,
    );
  }
  problems.push(...accessProblems(live.access, target.kumaDpUser));
  for (const [family, saved] of Object.entries(live.rules.families)) {
    const to = target.rules.expected[family as keyof typeof target.rules.expected];
    problems.push(...foreignReferences(extractOwned(saved, { recognize: to ? [to] : [] }), to));
  }
  return problems;
}

/** Throws `reconcile.refused` listing every problem; `note` follows the revision in the message. */
export function refuseUnlessPossible(target: HostTarget, live: LiveState, note = ''): void {
  const problems = checkPreconditions(target, live);
  if (problems.length === 0) return;
  throw new KumaGitopsError(
    'reconcile.refused',
    `host ${target.host} cannot take revision ${target.revision}${note}:\n  ${problems.join('\n  ')}`,
    { problems },
  );
}
