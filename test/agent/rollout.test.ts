/**
 * Progressive rollout, one agent against a local repository with a recording door and a clock the test moves:
 * wave x waveDelay after the agent first saw a revision (kept in its state, so a restart does not reset it),
 * `paused`, and the Alertmanager gate (a revision with a rollback firing is held; a newer one is judged on its own).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentState, EMPTY_STATE, readAgentState, writeAgentState } from '../../src/agent/agent-state.js';
import type { GateAnswer } from '../../src/agent/rollout-gate.js';
import { syncOnce } from '../../src/agent/sync-once.js';
import { agentRepo } from '../support/agent-repo.js';
import { commitFiles } from '../support/git-repo.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';

const work = mkdtempSync(join(tmpdir(), 'kg-rollout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const T0 = Date.parse('2026-12-03T10:00:00Z');
const MIN = 60_000;

const SAMPLE_FLEET = readFileSync(join(SAMPLE_REPO, 'fleet.yaml'), 'utf8');
const SAMPLE_HOST = readFileSync(join(SAMPLE_REPO, 'hosts/example-server.yaml'), 'utf8');
/** The sample's fleet and host files with these lines added. */
const files = (fleet = '', host = '') => ({
  'desired-state/fleet.yaml': `${SAMPLE_FLEET}${fleet}`,
  'desired-state/hosts/example-server.yaml': `${SAMPLE_HOST}${host}`,
});

async function setup(o: { fleet?: string; host?: string; gate?: (commit: string) => Promise<GateAnswer> }) {
  let now = T0;
  const { dir, stateDir, first, applied, events, ctx, source } = await agentRepo(work, {
    files: files(o.fleet, o.host),
    now: () => new Date(now),
    ...(o.gate ? { askGate: o.gate } : {}),
  });
  let state: AgentState = structuredClone(EMPTY_STATE);
  return {
    first,
    applied,
    events,
    state: () => state,
    sync: () => syncOnce(ctx, source, state),
    at: (ms: number) => {
      now = T0 + ms;
    },
    /** A new commit whose fleet and host files are the sample's plus these lines (the setup's lines are not kept). */
    commit: (fleet: string, host: string, message: string) => commitFiles(dir, files(fleet, host), message),
    restart: () => {
      mkdirSync(join(stateDir, 'agent'), { recursive: true });
      writeAgentState(stateDir, state);
      state = readAgentState(stateDir);
    },
  };
}

describe('rollout waves', () => {
  it('wave 2 with a 10 minute delay applies 20 minutes after the agent first saw the revision, across a restart', async () => {
    const s = await setup({ fleet: 'rollout:\n  waveDelay: 10m\n', host: 'rollout:\n  wave: 2\n' });
    expect(await s.sync()).toMatchObject({ kind: 'waiting', commit: s.first });
    expect(s.state().rollout).toMatchObject({ kind: 'waiting', commit: s.first });
    expect(s.state().rollout?.reason).toContain('applies at 2026-12-03T10:20:00.000Z');
    expect(s.state().lastSync).toMatchObject({ ok: true, result: 'waiting' });
    s.at(19 * MIN);
    s.restart();
    expect(await s.sync()).toMatchObject({ kind: 'waiting' });
    // Judged once: the polls while it waits do not compile the head again.
    expect(s.events.filter((e) => e === 'revision waiting')).toHaveLength(1);
    s.at(20 * MIN);
    expect(await s.sync()).toMatchObject({ kind: 'applied', commit: s.first });
    expect(s.state().rollout).toBeUndefined();
    expect(s.applied).toEqual([s.first]);
  });

  it('wave 0 (the default) applies at once, whatever the delay', async () => {
    const s = await setup({ fleet: 'rollout:\n  waveDelay: 1h\n' });
    expect(await s.sync()).toMatchObject({ kind: 'applied' });
  });

  it('paused: no new revision is applied, across a restart, until a commit unpauses the host', async () => {
    const s = await setup({ host: 'paused: true\n' });
    expect(await s.sync()).toMatchObject({ kind: 'paused' });
    expect(s.state().rollout?.reason).toMatch(/^paused \(paused: true in hosts\/example-server\.yaml\)/);
    s.restart();
    s.at(60 * MIN);
    expect(await s.sync()).toMatchObject({ kind: 'paused' });
    expect(s.applied).toEqual([]);
    const unpaused = s.commit('', 'paused: false\n', 'unpause');
    expect(await s.sync()).toMatchObject({ kind: 'applied', commit: unpaused });
  });
});

describe('the Alertmanager gate', () => {
  const gated = 'rollout:\n  gate: alertmanager\n';

  it('holds a revision while a rollback for it fires; a newer revision is judged on its own', async () => {
    const firing = new Set<string>();
    const s = await setup({
      fleet: gated,
      gate: async (commit) => ({
        firing: firing.has(commit) ? [{ alertname: 'KumaGitopsRollback', host: 'web-0' }] : [],
      }),
    });
    firing.add(s.first);
    const held = await s.sync();
    expect(held).toMatchObject({ kind: 'gated', commit: s.first });
    expect(s.state().lastSync).toMatchObject({ ok: false, result: 'gated' });
    expect(s.state().rollout?.reason).toContain('KumaGitopsRollback on web-0 firing for it');
    expect(s.applied).toEqual([]);
    const next = s.commit(gated, '# a fix\n', 'fix');
    expect(await s.sync()).toMatchObject({ kind: 'applied', commit: next });
  });

  it('an Alertmanager that cannot be asked, or none configured, holds the revision and says why', async () => {
    const down = await setup({ fleet: gated, gate: async () => ({ error: 'connect ECONNREFUSED 127.0.0.1:9093' }) });
    expect(await down.sync()).toMatchObject({ kind: 'gated' });
    expect(down.state().rollout?.reason).toContain('could not ask Alertmanager (connect ECONNREFUSED');
    const none = await setup({ fleet: gated });
    expect(await none.sync()).toMatchObject({ kind: 'gated' });
    expect(none.state().rollout?.reason).toContain('this agent has no alerts.alertmanager');
  });
});
