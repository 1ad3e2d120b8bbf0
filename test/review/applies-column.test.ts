/** The review's "applies" column: when the agents will apply a changed host, from the head's rollout settings. */
import { describe, expect, it } from 'vitest';
import type { HostRollout } from '../../src/desired/desired-host.js';
import type { HostChange } from '../../src/review/compare-hosts.js';
import { applies } from '../../src/review/format-markdown.js';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { runCli, sampleRepoWith } from '../support/sample-repo.js';

const change = (rollout: Partial<HostRollout> | undefined, kind: HostChange['kind'] = 'changed'): HostChange => ({
  host: 'h',
  kind,
  sections: {},
  errors: 0,
  warnings: 0,
  ...(rollout ? { rollout: { wave: 0, waveDelayMs: 0, gate: 'none', paused: false, ...rollout } } : {}),
});

describe('applies', () => {
  it.each<[Partial<HostRollout> | undefined, HostChange['kind'], string]>([
    [{}, 'changed', 'wave 0: at once'],
    [{ wave: 2, waveDelayMs: 600_000 }, 'added', 'wave 2: 20 min after its agent first sees it'],
    [{ wave: 3, waveDelayMs: 3_600_000 }, 'changed', 'wave 3: 3 h after its agent first sees it'],
    [
      { wave: 1, waveDelayMs: 30_000, gate: 'alertmanager' },
      'changed',
      'wave 1: 30 s after its agent first sees it, if no rollback is firing for it',
    ],
    [{ wave: 1, waveDelayMs: 0 }, 'changed', 'wave 1: at once'],
    [{ wave: 1, paused: true, pausedBy: 'groups/db.yaml' }, 'changed', 'paused (groups/db.yaml): not until unpaused'],
    [{ wave: 1 }, 'removed', ''],
    [undefined, 'changed', ''],
  ])('%j %s: %j', (rollout, kind, want) => expect(applies(change(rollout, kind))).toBe(want));

  it('diff --output markdown has the column for each changed host', async () => {
    const dir = sampleRepoWith();
    initRepo(dir);
    const base = commitFiles(dir, {}, 'base');
    // The group's hosts change (their DNS capture goes) and move to wave 1.
    commitFiles(dir, { 'groups/capture-all-dns.yaml': 'rollout:\n  wave: 1\n' }, 'wave 1');
    const fleet = (await import('node:fs')).readFileSync(`${dir}/fleet.yaml`, 'utf8');
    commitFiles(dir, { 'fleet.yaml': `${fleet}rollout:\n  waveDelay: 15m\n` }, 'delay');
    const r = await runCli(['diff', '--repo', dir, '--base', base, '--head', 'HEAD']);
    expect(r.out).toContain('| host | change | what changes | head | applies |');
    expect(r.out).toMatch(/\| [\w-]+ \| changed \| .* \| ✅ \| wave 1: 15 min after its agent first sees it \|/);
  });
});
