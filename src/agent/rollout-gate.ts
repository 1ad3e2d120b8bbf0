import type { HostRollout } from '../desired/desired-host.js';

/**
 * Whether this host may apply a new revision now, by the desired state's rollout settings: `paused`, the wave
 * timing (wave x waveDelay after this agent first saw the revision: its own clock, so commit dates and skew between
 * hosts do not matter), and the Alertmanager gate (no rollback or flapping alert for that revision firing anywhere).
 */
export type RolloutVerdict =
  | { kind: 'go' }
  | { kind: 'paused'; reason: string }
  | { kind: 'waiting'; due: string; reason: string }
  | { kind: 'gated'; reason: string };

/** What the gate found: the alerts firing for the revision, or why it could not ask (then the revision is held). */
export type GateAnswer = { firing: { alertname: string; host: string }[] } | { error: string };

export async function judgeRollout(
  rollout: HostRollout,
  commit: string,
  seenAt: Date,
  now: Date,
  ask: ((commit: string) => Promise<GateAnswer>) | undefined,
): Promise<RolloutVerdict> {
  const short = commit.slice(0, 12);
  if (rollout.paused) {
    return {
      kind: 'paused',
      reason: `paused (paused: true in ${rollout.pausedBy ?? 'the desired state'}): ${short} waits`,
    };
  }
  const due = new Date(seenAt.getTime() + rollout.wave * rollout.waveDelayMs);
  if (now < due) {
    return {
      kind: 'waiting',
      due: due.toISOString(),
      reason: `wave ${rollout.wave}: ${short} applies at ${due.toISOString()} (first seen ${seenAt.toISOString()}, ${rollout.wave} x ${rollout.waveDelayMs / 1000} s later)`,
    };
  }
  if (rollout.gate !== 'alertmanager') return { kind: 'go' };
  if (ask === undefined) {
    return {
      kind: 'gated',
      reason: `rollout.gate is alertmanager, but this agent has no alerts.alertmanager to ask: ${short} is held; set alerts.alertmanager in the agent's config`,
    };
  }
  const answer = await ask(commit);
  if ('error' in answer)
    return {
      kind: 'gated',
      reason: `the rollout gate could not ask Alertmanager (${answer.error}): ${short} is held until it can`,
    };
  if (answer.firing.length === 0) return { kind: 'go' };
  const where = [...new Set(answer.firing.map((a) => `${a.alertname} on ${a.host}`))].join(', ');
  return { kind: 'gated', reason: `${short} is held: ${where} firing for it` };
}
