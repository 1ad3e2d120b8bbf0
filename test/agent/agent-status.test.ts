import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../src/agent/agent-config.js';
import type { AgentState } from '../../src/agent/agent-state.js';
import { formatStatusText, statusReport } from '../../src/agent/agent-status.js';

const config: AgentConfig = {
  file: '/etc/kuma-gitops/agent.yaml',
  host: 'web-1',
  source: {
    url: 'https://git.example.com/m.git',
    branch: 'main',
    path: 'desired-state',
    pollMs: 60_000,
    timeoutMs: 30_000,
  },
  verify: { mode: 'none' },
  stateDir: '/var/lib/kuma-gitops',
  supervisor: 'process',
  readyTimeoutMs: 60_000,
  failPolicy: 'fail-open',
  policy: { writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] },
  drift: { watch: true, checkIntervalMs: 30_000, maxHeals: 3, healWindowMs: 600_000 },
  alerts: { alertmanager: [], resendMs: 60_000 },
};
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const healthyState: AgentState = {
  lastGood: { commit: A, inputs: 'i', at: '2026-12-03T10:00:00.000Z', readinessPort: 9902 },
  lastSync: { at: '2026-12-03T10:01:00.000Z', ok: true, result: 'same', remote: A },
  quarantined: [],
  seen: [],
};
const up = { agentPid: 10, kumaDpPid: 20, ready: { ok: true } };

describe('status', () => {
  it.each([
    ['on the head, agent running, kuma-dp ready', healthyState, up, 'healthy', []],
    ['never ran', undefined, {}, 'error', [/has not run here yet/, /agent is not running/]],
    ['agent stopped', healthyState, { ...up, agentPid: undefined }, 'degraded', [/agent is not running/]],
    [
      'kuma-dp down',
      healthyState,
      { ...up, kumaDpPid: undefined, ready: undefined },
      'degraded',
      [/kuma-dp is not running/],
    ],
    [
      'kuma-dp not ready',
      healthyState,
      { ...up, ready: { ok: false, error: 'HTTP 503 NOT_READY' } },
      'degraded',
      [/pid 20\) is not ready: HTTP 503 NOT_READY/],
    ],
    [
      'a refused head',
      {
        ...healthyState,
        lastSync: { at: 't', ok: false, result: 'refused', remote: B, error: 'the branch was rewound' },
        refused: { commit: B, at: 't', code: 'agent.rewind', reason: 'the branch was rewound' },
      },
      up,
      'degraded',
      [/last sync at t: refused: the branch was rewound/, /revision bbbbbbbbbbbb refused \(agent\.rewind\)/],
    ],
    [
      'drifted from the applied revision',
      healthyState,
      { ...up, drift: { commit: A, steps: ['apply-rules ipv4 (Kuma rules differ)'], shadowed: [] } },
      'degraded',
      [/drift: the host differs from aaaaaaaaaaaa; 1 step\(s\) would bring it back: apply-rules ipv4/],
    ],
    [
      'a native nftables chain shadows Kuma',
      healthyState,
      {
        ...up,
        drift: { commit: A, steps: [], shadowed: ['table inet fw chain out (type nat hook output priority -150) ...'] },
      },
      'degraded',
      [/^shadowed \(left alone, not ours to change\): table inet fw chain out \(type nat hook output priority -150\)/],
    ],
    [
      'drift unknown',
      healthyState,
      { ...up, drift: { commit: A, error: 'no iptables [rules.tool-missing]' } },
      'degraded',
      [/drift not known: no iptables/],
    ],
  ] as const)('%s', (_name, state, live, health, problems) => {
    const r = statusReport(config, state as AgentState | undefined, live);
    expect(r.health).toBe(health);
    expect(r.problems).toHaveLength(problems.length);
    for (const [i, p] of problems.entries()) expect(r.problems[i]).toMatch(p);
  });

  it('the text shows what a person asks first', () => {
    expect(formatStatusText(statusReport(config, healthyState, up))).toBe(
      [
        'host web-1: healthy',
        'source: https://git.example.com/m.git branch main folder desired-state',
        'agent: running (pid 10)',
        `applied: ${A} at 2026-12-03T10:00:00.000Z`,
        `last sync: 2026-12-03T10:01:00.000Z same (branch at ${A.slice(0, 12)})`,
        'kuma-dp: pid 20, ready',
        '',
      ].join('\n'),
    );
  });
});
