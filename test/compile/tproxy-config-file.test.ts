/**
 * `kumaDp.writeTproxyConfigFile: false`: the host keeps no copy of the effective tproxy config (a host adopted from
 * a hand install has none, and its plan must stay empty); kuma-dp cannot be passed a file that is not written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { SAMPLE_REPO, sampleRepos } from '../support/sample-repo.js';

const repo = sampleRepos();
const HOST = readFileSync(join(SAMPLE_REPO, 'hosts/example-server.yaml'), 'utf8');

async function compile(extra: string) {
  const dir = repo({ 'hosts/example-server.yaml': `${HOST}${extra}` });
  const [result] = compileRepo(await loadRepo(dirRepoReader(dir)), 'example-server');
  return result!;
}

describe('writeTproxyConfigFile', () => {
  it('by default the effective tproxy config is one of the host’s files', async () => {
    const r = await compile('');
    expect(r.rendered!.files.map((f) => [f.purpose, f.path])).toEqual([
      ['dataplane-template', '/kuma/example-server-dataplane.yaml'],
      ['tproxy-config', '/kuma/example-server-tproxy.yaml'],
    ]);
  });

  it('false: only the Dataplane template is written; the rules are the same', async () => {
    const r = await compile('kumaDp:\n  writeTproxyConfigFile: false\n');
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.rendered!.files.map((f) => f.purpose)).toEqual(['dataplane-template']);
    expect(r.rendered!.rules?.dryRun).toBe((await compile('')).rendered!.rules?.dryRun);
  });

  it('false with passTproxyConfig is an error on its line', async () => {
    const r = await compile('kumaVersion: 2.14.3\nkumaDp:\n  passTproxyConfig: true\n  writeTproxyConfigFile: false\n');
    const lines = HOST.split('\n').length - 1;
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.file, i.line])).toEqual([
      ['kuma-dp.tproxy-config-not-written', 'hosts/example-server.yaml', lines + 4],
    ]);
  });
});
