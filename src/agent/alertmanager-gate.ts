/**
 * The rollout gate's question to Alertmanager (API v2, `GET /api/v2/alerts` with matchers: prometheus/alertmanager
 * api/v2/openapi.yaml): is a rollback or flapping alert for this revision firing on any host? Every URL of an HA
 * pair is asked until one answers; silenced and inhibited alerts do not hold a rollout.
 */
import type { GateAnswer } from './rollout-gate.js';

export const GATE_ALERTS = ['KumaGitopsRollback', 'KumaGitopsFlapping'] as const;

export function alertmanagerGate(urls: readonly string[], timeoutMs = 10_000): (commit: string) => Promise<GateAnswer> {
  return async (commit) => {
    const query = new URLSearchParams({ active: 'true', silenced: 'false', inhibited: 'false' });
    query.append('filter', `alertname=~"${GATE_ALERTS.join('|')}"`);
    query.append('filter', `revision="${commit}"`);
    const errors: string[] = [];
    for (const url of urls) {
      try {
        const res = await fetch(`${url.replace(/\/$/, '')}/api/v2/alerts?${query}`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) {
          errors.push(`${url}: HTTP ${res.status}`);
          continue;
        }
        const alerts = (await res.json()) as { labels?: Record<string, string> }[];
        return {
          firing: alerts.map((a) => ({ alertname: a.labels?.alertname ?? '?', host: a.labels?.host ?? '?' })),
        };
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
      }
    }
    return { error: errors.join('; ') || 'no Alertmanager configured' };
  };
}
