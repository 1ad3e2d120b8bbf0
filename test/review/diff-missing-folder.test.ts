/** A review that checks nothing must not pass: --repo naming a folder that is not there at head is an error. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { runCli } from '../support/sample-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'kgtest-diff-missing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('diff --repo <folder missing at both commits> exits 1 with repo.no-hosts instead of "valid, 0 hosts"', async () => {
  initRepo(dir);
  commitFiles(dir, { 'README.md': 'one\n' }, 'base');
  commitFiles(dir, { 'README.md': 'two\n' }, 'head');
  const r = await runCli([
    'diff',
    '--repo',
    join(dir, 'desired-stat'),
    '--base',
    'HEAD~1',
    '--head',
    'HEAD',
    '--output',
    'text',
  ]);
  expect(r.code).toBe(1);
  expect(r.out + r.err).toContain('there is no host file (hosts/<host>.yaml): nothing was checked [repo.no-hosts]');
});
