/**
 * Host files with content, mode and owner; the token file's existence and readability for the kuma-dp user,
 * computed from permission bits, owners and groups, without reading the token.
 */
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityOf, permits, readLiveFiles, readTokenAccess } from '../../src/live/read-files.js';
import { createUserDb } from '../../src/live/users.js';
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

describe.runIf(process.getuid?.() === 0 || process.env.CI === 'true')(
  'files on this host (needs root to chown)',
  () => {
    it('reads content, mode (permission bits only), owner; missing is undefined', async () => {
      const dir = await tempDir('files');
      const template = join(dir, 'dataplane.yaml');
      await writeFile(template, 'type: Dataplane\n');
      await chmod(template, 0o2640);
      await chown(template, 0, 45000);
      const files = await readLiveFiles([template, join(dir, 'missing.yaml'), join(dir, 'nodir', 'x')]);
      expect(files).toEqual({
        [template]: { content: 'type: Dataplane\n', mode: 0o2640, uid: 0, gid: 45000 },
        [join(dir, 'missing.yaml')]: undefined,
        [join(dir, 'nodir', 'x')]: undefined,
      });
    });

    it('a directory where a file should be is an error naming the path', async () => {
      const dir = await tempDir('files-dir');
      await expect(readLiveFiles([dir])).rejects.toMatchObject({ code: 'live.read-failed', data: { path: dir } });
    });

    it('token: missing, owned, group-readable, others-readable, hidden by a directory, through a symlink', async () => {
      const dir = await tempDir('token');
      await chmod(dir, 0o755);
      const token = join(dir, 'token');
      expect(await readTokenAccess(token, kumaDp)).toEqual({ path: token, exists: false, readableByKumaDp: false });

      await writeFile(token, 'secret');
      const access = async (mode: number, uid: number, gid: number) => {
        await chmod(token, mode);
        await chown(token, uid, gid);
        return (await readTokenAccess(token, kumaDp)).readableByKumaDp;
      };
      expect(await access(0o600, 0, 0)).toBe(false);
      expect(await access(0o400, 45678, 0)).toBe(true);
      expect(await access(0o040, 45678, 45000)).toBe(false);
      expect(await access(0o640, 0, 45000)).toBe(true);
      expect(await access(0o600, 45679, 45679)).toBe(false);
      expect(await access(0o604, 45679, 45679)).toBe(true);

      const hidden = join(dir, 'private');
      await mkdir(hidden, { mode: 0o700 });
      await writeFile(join(hidden, 'token'), 'secret', { mode: 0o644 });
      expect(await readTokenAccess(join(hidden, 'token'), kumaDp)).toMatchObject({
        exists: true,
        readableByKumaDp: false,
      });
      await chown(hidden, 0, 45000);
      await chmod(hidden, 0o710);
      expect(await readTokenAccess(join(hidden, 'token'), kumaDp)).toMatchObject({
        exists: true,
        readableByKumaDp: true,
      });

      const link = join(dir, 'link');
      await symlink(join(hidden, 'token'), link);
      expect(await readTokenAccess(link, kumaDp)).toEqual({ path: link, exists: true, readableByKumaDp: true });
      await chmod(hidden, 0o700);
      expect(await readTokenAccess(link, kumaDp)).toEqual({ path: link, exists: true, readableByKumaDp: false });
    });

    it('a directory at the token path exists but is not readable as a token', async () => {
      const dir = await tempDir('token-dir');
      expect(await readTokenAccess(dir, { uid: 0, gids: [0] })).toEqual({
        path: dir,
        exists: true,
        readableByKumaDp: false,
      });
    });
  },
);
