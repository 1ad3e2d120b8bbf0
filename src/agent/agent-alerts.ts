import type { AlertBook } from './alert-book.js';
import type { SyncResult } from './sync-once.js';

/**
 * What the agent alerts on, from its sync results: a revision refused (unsigned, rewind, invalid), a rollback, the
 * git source failing; each resolved when the condition clears (the branch head applied, a sync that reaches the
 * server). Drift and flapping alerts come from the drift watch (agent/host-watch.ts).
 */
export function onSyncAlerts(book: AlertBook, r: SyncResult): void {
  if (r.kind === 'source-error') {
    book.fire('KumaGitopsSyncFailing', { reason: r.code }, `syncing with the git source fails: ${r.reason}`);
    return;
  }
  book.resolve('KumaGitopsSyncFailing');
  if (r.kind === 'gated') {
    book.fire(
      'KumaGitopsRevisionHeld',
      { revision: r.commit },
      `revision ${r.commit.slice(0, 12)} held by the rollout gate`,
      r.reason,
    );
  } else book.resolve('KumaGitopsRevisionHeld');
  if (r.kind === 'same' || r.kind === 'applied' || r.kind === 'unchanged' || r.kind === 'recorded') {
    book.resolve('KumaGitopsRevisionRefused');
    if (r.kind !== 'same') book.resolve('KumaGitopsRollback');
    return;
  }
  if (r.kind === 'refused' || r.kind === 'invalid') {
    const reason = r.kind === 'refused' ? r.code : 'agent.invalid-revision';
    book.fire(
      'KumaGitopsRevisionRefused',
      { revision: r.commit, reason },
      `revision ${r.commit.slice(0, 12)} refused`,
      r.reason,
    );
  }
  if (r.kind === 'rolled-back') {
    book.fire(
      'KumaGitopsRollback',
      { revision: r.commit },
      `revision ${r.commit.slice(0, 12)} was rolled back and quarantined`,
      r.reason,
    );
  }
}
