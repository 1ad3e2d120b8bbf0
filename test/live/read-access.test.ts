/**
 * What the kuma-dp user can reach, computed from permission bits, owners and groups of the file and every folder
 * above it, without reading the token: the token, binaries (scripts need read too), files kuma-gitops writes.
 */
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityOf, permits, readAccess } from '../../src/live/read-access.js';
import { createUserDb } from '../../src/live/users.js';
import type { KumaDpNeed, PathAccess } from '../../src/model/kuma-dp-access.js';
import { removeTempDirs, tempDir } from './live-support.js';

afterAll(removeTempDirs);

// A kuma-dp user that exists only in this test's user database: uid/gid are numbers on files, nothing more.
const db = createUserDb(
  [
    { name: 'kuma-dp', uid: 45678, gid: 45678, home: '/', shell: '/bin/false' },
    { name: 'other', uid: 45679, gid: 45679, home: '/', shell: '/bin/false' },
  ],
  [{ name: 'kuma-tokens', gid: 45000, members: ['kuma-dp'] }],
);
const kumaDp = identityOf(db, { name: 'kuma-dp', uid: 5678 });
const READ = 4;

describe('permission bits', () => {
  it('owner class first, then group, then others; root always', () => {
    const file = { mode: 0o044, uid: 45678, gid: 45678 };
    expect(permits(file, kumaDp, READ)).toBe(false); // owner without r, even though group and others have it
    expect(permits({ mode: 0o040, uid: 0, gid: 45000 }, kumaDp, READ)).toBe(true);
    expect(permits({ mode: 0o604, uid: 0, gid: 0 }, kumaDp, READ)).toBe(true);
    expect(permits({ mode: 0o600, uid: 0, gid: 0 }, kumaDp, READ)).toBe(false);
    expect(permits({ mode: 0o000, uid: 1, gid: 1 }, { uid: 0, gids: [0] }, READ)).toBe(true);
  });

  it('identity from passwd and group, or the target uid alone when the user does not exist yet', () => {
    expect(kumaDp).toEqual({ uid: 45678, gids: [45678, 45000] });
    expect(identityOf(db, { name: 'not-yet', uid: 5678 })).toEqual({ uid: 5678, gids: [] });
  });
});

const token = (path: string): KumaDpNeed => ({
  purpose: 'dataplane token file',
  path,
  access: 'read',
  presence: 'required',
});
const one = async (need: KumaDpNeed, who = kumaDp): Promise<PathAccess> => (await readAccess([need], who))[0]!;

describe.runIf(process.getuid?.() === 0 || process.env.CI === 'true')(
  'paths on this host (needs root to chown)',
  () => {
    it('token: missing, owned, group-readable, others-readable, hidden by a folder, through a symlink', async () => {
      const dir = await tempDir('token');
      await chmod(dir, 0o755);
      const path = join(dir, 'token');
      expect(await one(token(path))).toEqual({ ...token(path), state: 'missing' });

      await writeFile(path, 'secret');
      const state = async (mode: number, uid: number, gid: number) => {
        await chmod(path, mode);
        await chown(path, uid, gid);
        return (await one(token(path))).state;
      };
      expect(await state(0o600, 0, 0)).toBe('blocked');
      expect(await state(0o400, 45678, 0)).toBe('ok');
      expect(await state(0o040, 45678, 45000)).toBe('blocked');
      expect(await state(0o640, 0, 45000)).toBe('ok');
      expect(await state(0o600, 45679, 45679)).toBe('blocked');
      expect(await state(0o604, 45679, 45679)).toBe('ok');

      const hidden = join(dir, 'private');
      await mkdir(hidden, { mode: 0o700 });
      await writeFile(join(hidden, 'token'), 'secret', { mode: 0o644 });
      expect(await one(token(join(hidden, 'token')))).toMatchObject({
        state: 'blocked',
        blocker: { path: hidden, kind: 'folder', mode: 0o700, uid: 0, gid: 0 },
      });
      await chown(hidden, 0, 45000);
      await chmod(hidden, 0o710);
      expect((await one(token(join(hidden, 'token')))).state).toBe('ok');

      // Through a link: the folders where it leads count too.
      const link = join(dir, 'link');
      await symlink(join(hidden, 'token'), link);
      expect((await one(token(link))).state).toBe('ok');
      await chmod(hidden, 0o700);
      expect(await one(token(link))).toMatchObject({ state: 'blocked', blocker: { path: hidden, kind: 'folder' } });
    });

    it('a folder at the token path exists but is not a file', async () => {
      const dir = await tempDir('token-dir');
      expect(await one(token(dir), { uid: 0, gids: [0] })).toMatchObject({
        state: 'blocked',
        blocker: { path: dir, kind: 'not-a-file' },
      });
    });

    it('reports the topmost folder that blocks: a 0700 folder above a 0755 one', async () => {
      const top = await tempDir('nested');
      await chmod(top, 0o700);
      await mkdir(join(top, 'bin'), { mode: 0o755 });
      const binary = join(top, 'bin', 'kuma-dp');
      await writeFile(binary, '\x7fELF', { mode: 0o755 });
      const need: KumaDpNeed = { purpose: 'kuma-dp binary', path: binary, access: 'execute', presence: 'required' };
      expect(await one(need)).toMatchObject({ state: 'blocked', blocker: { path: top, kind: 'folder', mode: 0o700 } });
      await chmod(top, 0o711);
      expect((await one(need)).state).toBe('ok');
    });

    it('a binary needs execute; a script needs read as well (its interpreter opens it as the user)', async () => {
      const dir = await tempDir('bins');
      await chmod(dir, 0o755);
      const elf = join(dir, 'envoy');
      const script = join(dir, 'kuma-dp');
      await writeFile(elf, '\x7fELF');
      await writeFile(script, '#!/usr/bin/env node\n');
      const need = (path: string): KumaDpNeed => ({
        purpose: 'Envoy binary',
        path,
        access: 'execute',
        presence: 'optional',
      });
      await chmod(elf, 0o711);
      await chmod(script, 0o711);
      expect((await one(need(elf))).state).toBe('ok');
      expect(await one(need(script))).toMatchObject({ state: 'blocked', blocker: { kind: 'file', mode: 0o711 } });
      await chmod(script, 0o755);
      expect((await one(need(script))).state).toBe('ok');
      await chmod(elf, 0o744);
      expect((await one(need(elf))).state).toBe('blocked');
      // Optional (kuma-dp looks next to itself next): a missing one is fine.
      expect((await one(need(join(dir, 'missing')))).state).toBe('ok');
    });

    it('a file kuma-gitops writes: only the folders that exist count, not the file or its missing folders', async () => {
      const top = await tempDir('written');
      await chmod(top, 0o700);
      const need: KumaDpNeed = {
        purpose: 'Dataplane file',
        path: join(top, 'kuma', 'dp.yaml'),
        access: 'read',
        presence: 'written',
      };
      expect(await one(need)).toMatchObject({ state: 'blocked', blocker: { path: top, kind: 'folder' } });
      await chmod(top, 0o755);
      expect((await one(need)).state).toBe('ok');
      await mkdir(join(top, 'kuma'), { mode: 0o700 });
      await writeFile(need.path, 'old', { mode: 0o600 }); // rewritten 0644 by the apply
      expect(await one(need)).toMatchObject({ state: 'blocked', blocker: { path: join(top, 'kuma') } });
      await chmod(join(top, 'kuma'), 0o755);
      expect((await one(need)).state).toBe('ok');
    });
  },
);

describe.runIf(process.getuid?.() === 0 || process.env.CI === 'true')(
  'what another user could change (as root)',
  () => {
    const binary = (path: string): KumaDpNeed => ({
      purpose: 'kuma-dp binary',
      path,
      access: 'execute',
      presence: 'required',
    });
    const written = (path: string): KumaDpNeed => ({
      purpose: 'Dataplane file',
      path,
      access: 'read',
      presence: 'written',
    });

    it('a binary: owned by root and writable by no one else, and so is every folder above it (sticky /tmp is fine)', async () => {
      const dir = await tempDir('owned-bin');
      const path = join(dir, 'kuma-dp');
      await writeFile(path, '\x7fELF', { mode: 0o755 });
      expect(await one(binary(path))).toEqual({ ...binary(path), state: 'ok' });
      await chmod(path, 0o775);
      expect((await one(binary(path))).unsafe).toEqual({ path, kind: 'file', mode: 0o775, uid: 0 });
      await chmod(path, 0o755);
      await chown(path, 45679, 0);
      expect((await one(binary(path))).unsafe).toMatchObject({ path, kind: 'file', uid: 45679 });
      await chown(path, 0, 0);
      await chmod(dir, 0o777);
      expect((await one(binary(path))).unsafe).toEqual({ path: dir, kind: 'folder', mode: 0o777, uid: 0 });
    });

    it('a written file: no link on the way, its folder root’s alone, the folders above changeable by root alone', async () => {
      const dir = await tempDir('owned-write');
      const kuma = join(dir, 'kuma');
      await mkdir(kuma, { mode: 0o755 });
      expect(await one(written(join(kuma, 'dp.yaml')))).toEqual({ ...written(join(kuma, 'dp.yaml')), state: 'ok' });
      // A folder that does not exist yet: judged by the nearest one that does.
      expect((await one(written(join(kuma, 'new', 'dp.yaml')))).unsafe).toBeUndefined();
      await chmod(kuma, 0o1777); // sticky is not enough where root creates the file
      expect((await one(written(join(kuma, 'dp.yaml')))).unsafe).toEqual({
        path: kuma,
        kind: 'folder',
        mode: 0o1777,
        uid: 0,
      });
      await chmod(kuma, 0o755);
      await chown(kuma, 45679, 45679);
      expect((await one(written(join(kuma, 'dp.yaml')))).unsafe).toMatchObject({ path: kuma, uid: 45679 });
      await chown(kuma, 0, 0);
      const link = join(dir, 'via-link');
      await symlink(kuma, link);
      expect((await one(written(join(link, 'dp.yaml')))).unsafe).toMatchObject({
        path: link,
        kind: 'link',
        target: kuma,
      });
    });
  },
);
