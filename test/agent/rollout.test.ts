/**
 * Progressive rollout, one agent against a local repository with a recording door and a clock the test moves:
 * wave x waveDelay after the agent first saw a revision (kept in its state, so a restart does not reset it),
 * `paused`, and the Alertmanager gate (a revision with a rollback firing is held; a newer one is judged on its own).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../src/agent/agent-config.js';
import { type AgentState, EMPTY_STATE, readAgentState, writeAgentState } from '../../src/agent/agent-state.js';
import type { ApplyRendered, RevisionContext } from '../../src/agent/apply-revision.js';
import { openGitSource } from '../../src/agent/git-source.js';
import type { GateAnswer } from '../../src/agent/rollout-gate.js';
import { syncOnce } from '../../src/agent/sync-once.js';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';

const work = mkdtempSync(join(tmpdir(), 'kg-rollout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const T0 = Date.parse('2026-12-03T10:00:00Z');
const MIN = 60_000;

let n = 0;
async function setup(o: { fleet?: string; host?: string; gate?: (commit: string) => Promise<GateAnswer> }) {
  const dir = join(work, `r${n++}`);
  mkdirSync(dir);
  initRepo(dir);
  cpSync(SAMPLE_REPO, join(dir, 'desired-state'), { recursive: true });
  const fleetFile = join(dir, 'desired-state/fleet.yaml');
  const hostFile = join(dir, 'desired-state/hosts/example-server.yaml');
  const [fleetText, hostText] = [readFileSync(fleetFile, 'utf8'), readFileSync(hostFile, 'utf8')];
  const files = (fleet = '', host = '') => ({
    'desired-state/fleet.yaml': `${fleetText}${fleet}`,
    'desired-state/hosts/example-server.yaml': `${hostText}${host}`,
  });
  const base = files(o.fleet, o.host);
  const first = commitFiles(dir, base, 'sample');
  const applied: string[] = [];
  const apply: ApplyRendered = async (_rendered, commit) => {
    applied.push(commit);
    return { status: 'applied', plan: { host: 'example-server', steps: [] } as never };
  };
  const config = {
    host: 'example-server',
    source: { url: dir, branch: 'main', path: 'desired-state', pollMs: 1000, timeoutMs: 1000 },
    policy: { writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] },
  } as AgentConfig;
  const stateDir = join(dir, 'state');
  const source = await openGitSource({ stateDir, url: dir, branch: 'main', timeoutMs: 1000 });
  let now = T0;
  const events: string[] = [];
  const ctx: RevisionContext = {
    config,
    gitdir: source.gitdir,
    salt: 's',
    apply,
    log: (event) => events.push(event),
    now: () => new Date(now),
    ...(o.gate ? { askGate: o.gate } : {}),
  };
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
