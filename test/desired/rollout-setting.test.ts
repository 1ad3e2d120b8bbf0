/**
 * `rollout:` and `paused:` in the desired state: the wave on any layer (host over group over fleet), the delay and
 * the gate on the fleet only (else the waves would not be in order), and a wrong value named with its line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { composeFrom } from '../support/compose.js';
import { SAMPLE_REPO, sampleRepos } from '../support/sample-repo.js';

const repo = sampleRepos();
const FLEET = readFileSync(join(SAMPLE_REPO, 'fleet.yaml'), 'utf8');
const HOST = `dataplane:
  template: templates/example-server.yaml
  vars: { name: example-server-dataplane, address: 192.168.10.10, port: 8080 }
service:
  ports: [8080]
`;

describe('rollout settings', () => {
  it('defaults: wave 0, no delay, no gate, not paused', async () => {
    expect((await composeFrom(repo({}), 'example-server')).rollout).toEqual({
      wave: 0,
      waveDelayMs: 0,
      gate: 'none',
      paused: false,
    });
  });

  it('fleet delay and gate, group wave, host wave over it, paused by a group', async () => {
    const dir = repo({
      'fleet.yaml': `${FLEET}rollout:\n  waveDelay: 1h30m\n  gate: alertmanager\n`,
      'groups/late.yaml': 'rollout:\n  wave: 2\npaused: true\n',
      'hosts/example-server.yaml': `groups: [late]\nrollout:\n  wave: 1\n${HOST}`,
    });
    expect((await composeFrom(dir, 'example-server')).rollout).toEqual({
      wave: 1,
      waveDelayMs: 90 * 60_000,
      gate: 'alertmanager',
      paused: true,
      pausedBy: 'groups/late.yaml',
    });
  });

  it.each([
    ['hosts/example-server.yaml', `rollout:\n  waveDelay: 10m\n${HOST}`, 2, 'schema.unknown-key'],
    ['hosts/example-server.yaml', `rollout:\n  wave: -1\n${HOST}`, 2, 'schema.invalid'],
    ['fleet.yaml', `${FLEET}rollout:\n  waveDelay: ten minutes\n`, 19, 'schema.invalid'],
    ['fleet.yaml', `${FLEET}rollout:\n  gate: prometheus\n`, 19, 'schema.invalid'],
    ['fleet.yaml', `${FLEET}paused: yes please\n`, 18, 'schema.invalid'],
  ])('%s with %j: an error on line %i', async (file, text, line, code) => {
    const [result] = compileRepo(await loadRepo(dirRepoReader(repo({ [file]: text }))), 'example-server');
    expect(result!.issues.filter((i) => i.severity === 'error').map((i) => [i.file, i.line, i.code])).toContainEqual([
      file,
      line,
      code,
    ]);
  });
});
