/**
 * One sync of the agent against a local git repository (the `url: /path` source: no network), with a recording door
 * in place of the host: what is applied, recorded, refused or held, and what the state remembers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentState, EMPTY_STATE } from '../../src/agent/agent-state.js';
import { syncOnce } from '../../src/agent/sync-once.js';
import { KumaGitopsError } from '../../src/errors.js';
import type { ReconcileOutcome } from '../../src/reconcile/reconcile-host.js';
import { agentRepo } from '../support/agent-repo.js';
import { commitFiles, git } from '../support/git-repo.js';

const work = mkdtempSync(join(tmpdir(), 'kg-sync-once-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A repository with the sample desired state in `desired-state/`, and a context around it. */
async function setup(outcome: ReconcileOutcome['status'] | Error = 'applied') {
  const { dir, first, applied, events, ctx, source } = await agentRepo(work, {
    outcome,
    now: () => new Date('2026-12-03T10:00:00Z'),
  });
  const state: AgentState = structuredClone(EMPTY_STATE);
  const sync = () => syncOnce(ctx, source, state);
  const hostFile = (text: string) => ({ 'desired-state/hosts/example-server.yaml': text });
  const host = () => (git(dir, 'show', 'HEAD:desired-state/hosts/example-server.yaml') as string).replace(/\s*$/, '\n');
  return { dir, first, applied, state, sync, events, hostFile, host };
}

describe('syncOnce', () => {
  it('applies the head; then the same head is "same" and nothing is applied again', async () => {
    const s = await setup();
    expect(await s.sync()).toMatchObject({ kind: 'applied', commit: s.first });
    expect(await s.sync()).toEqual({ kind: 'same', commit: s.first });
    expect(s.applied).toEqual([s.first]);
    expect(s.state.lastGood).toMatchObject({ commit: s.first });
    expect(s.state.lastSync).toMatchObject({ ok: true, result: 'same' });
  });

  it('several commits between two polls: only the newest is applied', async () => {
    const s = await setup();
    await s.sync();
    const text = s.host();
    commitFiles(s.dir, s.hostFile(`${text}# one\n`), 'one');
    const last = commitFiles(s.dir, s.hostFile(`${text}# two\n`), 'two');
    expect(await s.sync()).toMatchObject({ kind: 'applied', commit: last });
    expect(s.applied).toEqual([s.first, last]);
  });

  it('a commit that does not touch this host is recorded without a plan', async () => {
    const s = await setup();
    await s.sync();
    const other = commitFiles(
      s.dir,
      { 'README.md': 'x\n', 'desired-state/hosts/other.yaml.txt': 'not a host\n' },
      'other',
    );
    expect(await s.sync()).toMatchObject({ kind: 'recorded', commit: other });
    expect(s.applied).toEqual([s.first]);
    expect(s.state.lastGood?.commit).toBe(other);
  });

  it('the desired-state folder missing at a commit: refused, host untouched', async () => {
    const s = await setup();
    await s.sync();
    git(s.dir, 'rm', '-q', '-r', 'desired-state');
    const gone = commitFiles(s.dir, {}, 'folder removed');
    const r = await s.sync();
    expect(r).toMatchObject({ kind: 'invalid', commit: gone });
    expect(s.state.refused).toMatchObject({ commit: gone, code: 'host.unknown' });
    expect(s.applied).toEqual([s.first]);
    // Judged once: the next poll holds it without compiling again.
    expect(await s.sync()).toMatchObject({ kind: 'held', commit: gone });
  });

  it('a deleted branch (or an emptied repository) is a source error; the host stays', async () => {
    const s = await setup();
    await s.sync();
    git(s.dir, 'checkout', '-q', '-b', 'other');
    git(s.dir, 'branch', '-q', '-D', 'main');
    expect(await s.sync()).toMatchObject({ kind: 'source-error', code: 'agent.branch-missing' });
    expect(s.state.lastGood?.commit).toBe(s.first);
    expect(s.state.lastSync).toMatchObject({ ok: false, result: 'source-error', code: 'agent.branch-missing' });
  });

  it('a rolled-back revision is quarantined, then held; a commit with other inputs is applied', async () => {
    const s = await setup('rolled-back');
    const r = await s.sync();
    expect(r).toMatchObject({ kind: 'rolled-back', commit: s.first });
    expect(s.state.quarantined).toEqual([
      expect.objectContaining({ commit: s.first, reason: expect.stringMatching(/rolled-back: kuma-dp/) }),
    ]);
    expect(await s.sync()).toMatchObject({ kind: 'held' });
    expect(s.applied).toEqual([s.first]);
  });

  it('a door that refuses before any change is tried again at the next poll', async () => {
    const s = await setup(new KumaGitopsError('reconcile.locked', 'another kuma-gitops is reconciling'));
    expect(await s.sync()).toMatchObject({ kind: 'apply-error', code: 'reconcile.locked' });
    expect(await s.sync()).toMatchObject({ kind: 'apply-error' });
    expect(s.applied).toHaveLength(2);
  });
});
