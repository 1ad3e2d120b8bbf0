/**
 * The agent's metrics exposition, checked by Debian's `promtool check metrics` (names, help, types, label syntax and
 * Prometheus' naming lint), with the process metrics and without (the textfile form).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createAgentMetrics } from '../../src/agent/agent-metrics.js';

const promtool = (text: string) => spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

async function exposition(processMetrics: boolean): Promise<string> {
  const m = createAgentMetrics({ processMetrics });
  m.applied('a'.repeat(40));
  m.applied('b'.repeat(40));
  m.sync('applied', new Date('2026-12-03T10:00:00Z'));
  m.sync('same', new Date('2026-12-03T10:01:00Z'));
  m.reconcile('applied', 1.2);
  m.gitRequest('refs', 0.01);
  m.gitRequest('pack', 0.4);
  m.drift(new Set(['rules-missing']));
  m.driftEvent('rules-missing', 'xtables-monitor');
  m.heal('rules-missing');
  m.rollback();
  m.quarantined(2);
  return m.registry.metrics();
}

describe('agent metrics', () => {
  it.each([true, false])('promtool accepts the exposition (process metrics: %s)', async (withProcess) => {
    const text = await exposition(withProcess);
    const r = promtool(text);
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    expect(text.includes('kuma_gitops_process_cpu_seconds_total')).toBe(withProcess);
  });

  it('holds what a dashboard reads', async () => {
    const text = await exposition(false);
    expect(text).toContain(`kuma_gitops_applied_revision_info{revision="${'b'.repeat(40)}"} 1`);
    expect(text).not.toContain(`revision="${'a'.repeat(40)}"`);
    expect(text).toContain('kuma_gitops_sync_total{result="applied"} 1');
    expect(text).toContain('kuma_gitops_last_sync_timestamp_seconds 1796292060');
    expect(text).toContain('kuma_gitops_drift{class="rules-missing"} 1');
    expect(text).toContain('kuma_gitops_drift{class="kuma-dp-down"} 0');
    expect(text).toContain('kuma_gitops_drift_events_total{class="rules-missing",source="xtables-monitor"} 1');
    expect(text).toContain('kuma_gitops_heals_total{class="rules-missing"} 1');
    expect(text).toContain('kuma_gitops_rollbacks_total 1');
    expect(text).toContain('kuma_gitops_quarantined_revisions 2');
    expect(text).toMatch(/kuma_gitops_git_request_duration_seconds_count\{request="pack"\} 1/);
    expect(text).toMatch(/kuma_gitops_reconcile_duration_seconds_sum\{result="applied"\} 1.2/);
  });
});
