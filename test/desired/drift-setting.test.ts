/**
 * `drift:` in the desired state: heal or only alert, per class, set on the fleet, a group or a host (layers merge
 * key by key over the defaults); token-problem can only be alerted, and saying otherwise is an error with its line.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { DRIFT_DEFAULTS } from '../../src/model/drift-class.js';
import { composeFrom } from '../support/compose.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';

const work = mkdtempSync(join(tmpdir(), 'kg-drift-setting-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
function repoWith(files: Record<string, string>): string {
  const dir = join(work, `r${n++}`);
  cpSync(SAMPLE_REPO, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}
const hostFile = (dir: string) => join(dir, 'hosts/example-server.yaml');

describe('drift: in the desired state', () => {
  it('defaults: heal everything but token-problem', async () => {
    const host = await composeFrom(repoWith({}), 'example-server');
    expect(host.drift).toEqual(DRIFT_DEFAULTS);
    expect(host.drift['token-problem']).toBe('alert');
    expect(host.drift.shadowed).toBe('alert');
    expect(host.drift['rules-missing']).toBe('heal');
  });

  it('fleet and host merge key by key, the host last', async () => {
    const base = repoWith({});
    const { readFileSync } = await import('node:fs');
    const fleet = readFileSync(join(base, 'fleet.yaml'), 'utf8');
    const host = readFileSync(hostFile(base), 'utf8');
    const dir = repoWith({
      'fleet.yaml': `${fleet}\ndrift:\n  kuma-dp-args: alert\n  file-changed: alert\n`,
      'hosts/example-server.yaml': `${host}\ndrift:\n  file-changed: heal\n`,
    });
    const composed = await composeFrom(dir, 'example-server');
    expect(composed.drift).toEqual({ ...DRIFT_DEFAULTS, 'kuma-dp-args': 'alert', 'file-changed': 'heal' });
  });

  it('token-problem or shadowed: heal is an error naming the file and line; an unknown class is an unknown key', async () => {
    const base = repoWith({});
    const { readFileSync } = await import('node:fs');
    const host = readFileSync(hostFile(base), 'utf8');
    const dir = repoWith({
      'hosts/example-server.yaml': `${host}\ndrift:\n  token-problem: heal\n  rules-gone: alert\n  shadowed: heal\n`,
    });
    const [result] = compileRepo(await loadRepo(dirRepoReader(dir)), 'example-server');
    const errors = result!.issues.filter((i) => i.severity === 'error');
    const lineOf = (needle: string) =>
      readFileSync(hostFile(dir), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'schema.invalid',
          file: 'hosts/example-server.yaml',
          line: lineOf('token-problem: heal'),
          message: expect.stringMatching(/token-problem can only be alerted/),
        }),
        expect.objectContaining({
          code: 'schema.invalid',
          file: 'hosts/example-server.yaml',
          line: lineOf('shadowed: heal'),
          message: expect.stringMatching(/shadowed can only be alerted: the native nftables chain/),
        }),
        expect.objectContaining({
          code: 'schema.unknown-key',
          file: 'hosts/example-server.yaml',
          line: lineOf('rules-gone'),
        }),
      ]),
    );
  });
});
