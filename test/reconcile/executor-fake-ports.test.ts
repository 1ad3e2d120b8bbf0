/**
 * The executor (reconcileHost) without root or a namespace: a fake host behind the HostPorts interface, in memory.
 * Rollback puts the previous files and kuma-dp back; fail-open removes the rules when even the previous kuma-dp is
 * not ready; a journal left by a killed run is undone before the next plan. The namespace tests next to this file
 * (refusals, rollback, crash-*) check the same against the real thing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostTarget } from '../../src/model/host-target.js';
import type { LiveState } from '../../src/model/live-state.js';
import type { HostPorts } from '../../src/reconcile/host-ports.js';
import { reconcileHost } from '../../src/reconcile/reconcile-host.js';
import { hostStateDir, journalPath, statusPath, writeJson } from '../../src/reconcile/state-files.js';
import { KumaDpNotReadyError } from '../../src/supervisor/readiness-gate.js';
import { liveInSync, sampleTarget } from '../support/targets.js';

/** A host in memory: the previous revision runs (an older var, an older template); `ready` decides per command. */
function fakeHost(target: HostTarget, ready: (argv: readonly string[]) => boolean) {
  const previousArgv = target.kumaDp.argv.map((a) =>
    a.startsWith('--dataplane-var=port=') ? '--dataplane-var=port=1' : a,
  );
  const state: LiveState = liveInSync(target);
  state.kumaDp = { ...state.kumaDp!, argv: previousArgv };
  const template = target.files[0]!.path;
  state.files[template] = { ...state.files[template]!, content: 'old template\n' };
  const calls: string[] = [];
  const ports: HostPorts = {
    readLive: async () => structuredClone(state),
    createUser: async () => void calls.push('create-user'),
    writeFile: async (f) => {
      calls.push(`write ${f.path}`);
      state.files[f.path] = { content: f.content, mode: f.mode, uid: f.uid, gid: f.gid };
    },
    putBackFile: async (path, previous) => {
      calls.push(`put back ${path}`);
      state.files[path] = previous ?? undefined;
    },
    startKumaDp: async (argv, env) => {
      calls.push('start kuma-dp');
      state.kumaDp = {
        pid: 7,
        argv,
        env: { PATH: '/usr/bin', ...env },
        uid: target.kumaDpUser.uid,
        ready: ready(argv),
      };
    },
    stopKumaDp: async () => {
      state.kumaDp = undefined;
    },
    waitReady: async () => {
      if (!state.kumaDp?.ready)
        throw new KumaDpNotReadyError('kuma-dp', { waitedMs: 1, attempts: 1, lastStatus: '503' });
    },
    applyRules: async () => void calls.push('apply rules'),
    restoreRules: async () => void calls.push('restore rules'),
    removeRules: async () => {
      calls.push('remove rules');
      state.rules.families = {};
    },
    snapshotRules: () => ({ ipv4: '*nat\nCOMMIT\n' }),
  };
  return { ports, state, calls, previousArgv, template };
}

let target: HostTarget;
const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kgtest-fake-ports-'));
  dirs.push(dir);
  return dir;
};
beforeAll(async () => {
  target = await sampleTarget('example-server');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const run = (ports: HostPorts, dir: string) =>
  reconcileHost({
    target,
    ports,
    stateDir: dir,
    readyTimeoutMs: 10,
    failPolicy: 'fail-open',
    dryRun: false,
    log: () => {},
  });

describe('reconcileHost through a fake host', () => {
  it('rolls back a revision whose kuma-dp is never ready: previous file and kuma-dp back, failure recorded', async () => {
    const host = fakeHost(target, (argv) => !argv.includes('--dataplane-var=port=8080'));
    const dir = stateDir();
    const outcome = await run(host.ports, dir);
    expect(outcome.status).toBe('rolled-back');
    expect(host.state.files[host.template]?.content).toBe('old template\n');
    expect(host.state.kumaDp?.argv).toEqual(host.previousArgv);
    expect(host.calls).toContain('restore rules');
    expect(host.calls).not.toContain('remove rules');
    const status = JSON.parse(readFileSync(statusPath(hostStateDir(dir, target.host)), 'utf8'));
    expect(status.lastFailed).toMatchObject({ revision: target.revision, rolledBack: true, failedOpen: false });
    expect(existsSync(journalPath(hostStateDir(dir, target.host)))).toBe(false);
  });

  it('rules changed by someone else during the apply are put back once by the verify, not rolled back', async () => {
    const host = fakeHost(target, () => true);
    const full = structuredClone(host.state.rules.families);
    // The flush lands while kuma-dp starts (the plan has no rules step: only kuma-dp's inputs changed).
    const start = host.ports.startKumaDp;
    host.ports.startKumaDp = async (argv, env, restart) => {
      await start(argv, env, restart);
      host.state.rules.families = { ipv4: { tables: [] }, ipv6: { tables: [] } };
    };
    host.ports.applyRules = async () => {
      host.calls.push('apply rules');
      host.state.rules.families = structuredClone(full);
    };
    const outcome = await run(host.ports, stateDir());
    expect(outcome.status).toBe('applied');
    expect(host.calls.filter((c) => c === 'apply rules')).toHaveLength(1);
    expect(host.calls).not.toContain('restore rules');
  });

  it('rules that stay changed after that one retry still fail the verify and roll back', async () => {
    const host = fakeHost(target, () => true);
    host.ports.applyRules = async () => {
      host.calls.push('apply rules');
      host.state.rules.families = { ipv4: { tables: [] }, ipv6: { tables: [] } };
    };
    const start = host.ports.startKumaDp;
    host.ports.startKumaDp = async (argv, env, restart) => {
      await start(argv, env, restart);
      host.state.rules.families = { ipv4: { tables: [] }, ipv6: { tables: [] } };
    };
    const outcome = await run(host.ports, stateDir());
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.error).toMatch(/not in sync after applying/);
    expect(host.calls.filter((c) => c === 'apply rules')).toHaveLength(1);
  });

  it('fails open when even the previous kuma-dp is not ready: the rules are removed', async () => {
    const host = fakeHost(target, () => false);
    const outcome = await run(host.ports, stateDir());
    expect(outcome.status).toBe('failed-open');
    expect(host.calls.at(-1)).toBe('remove rules');
    expect(host.state.rules.families).toEqual({});
  });

  it('undoes a journal left by a killed run before planning, then applies', async () => {
    const host = fakeHost(target, () => true);
    const dir = stateDir();
    const hostDir = hostStateDir(dir, target.host);
    // Killed after writing the new template: the journal holds what was there before.
    const before = structuredClone(host.state.files[host.template]!);
    host.state.files[host.template] = { ...before, content: 'half-applied\n' };
    writeJson(journalPath(hostDir), {
      host: target.host,
      revision: 'killed',
      startedAt: '2026-12-03T00:00:00.000Z',
      previous: {
        files: { [host.template]: before },
        kumaDp: { argv: host.previousArgv, env: {} },
        rules: {},
        backend: 'nft',
      },
      steps: [{ kind: 'write-file', detail: host.template }],
    });
    const outcome = await run(host.ports, dir);
    expect(outcome.recovered).toMatch(/revision killed .* was interrupted after: write-file/);
    expect(outcome.status).toBe('applied');
    expect(host.calls.indexOf(`put back ${host.template}`)).toBeLessThan(host.calls.indexOf(`write ${host.template}`));
    expect(host.state.files[host.template]?.content).toBe(target.files[0]!.content);
    expect(existsSync(journalPath(hostDir))).toBe(false);
  });
});
