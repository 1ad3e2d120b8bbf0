import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRepoReader } from '../../src/io/git-reader.js';
import { commitFiles, initRepo } from '../support/git-repo.js';

/** A desired-state folder inside a bigger repository: paths are relative to the folder, the rest is not listed. */
let dir: string;
let before: string;
let after: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kg-git-reader-'));
  initRepo(dir);
  before = commitFiles(dir, { 'app/main.go': 'package main\n' }, 'no desired state yet');
  after = commitFiles(
    dir,
    { 'ops/mesh/fleet.yaml': 'kumaVersion: 2.14.3\n', 'ops/mesh/hosts/web-1.yaml': 'name: web-1\n' },
    'desired state under ops/mesh',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gitRepoReader on a subdirectory', () => {
  it('lists and reads the files below it, relative to it', async () => {
    const reader = await gitRepoReader(join(dir, 'ops/mesh'), after);
    expect((await reader.list()).sort()).toEqual(['fleet.yaml', 'hosts/web-1.yaml']);
    expect(await reader.read('hosts/web-1.yaml')).toMatchObject({ path: 'hosts/web-1.yaml', text: 'name: web-1\n' });
    expect(await reader.read('app/main.go')).toBeUndefined();
    expect(reader.label).toBe(`${after} (${after.slice(0, 7)})`);
  });

  it('is an empty revision where the folder does not exist yet', async () => {
    const reader = await gitRepoReader(join(dir, 'ops/mesh'), before);
    expect(await reader.list()).toEqual([]);
  });

  it('reads the whole tree from the repository root', async () => {
    const reader = await gitRepoReader(dir, `${after.slice(0, 10)}~1`);
    expect(await reader.list()).toEqual(['app/main.go']);
  });
});
