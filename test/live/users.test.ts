/** /etc/passwd and /etc/group as kumactl's static build reads them; "uid already taken" needs userByUid. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, readUserDb, usersByName } from '../../src/live/users.js';
import { removeTempDirs, tempDir } from './live-support.js';

afterAll(removeTempDirs);

const PASSWD = `root:x:0:0:root:/root:/bin/bash
# a comment
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
+nisuser::::::
app:x:1000:1000:App,,,:/home/app:/bin/bash
broken:x:notanumber:1:::
short:x:1
kuma-dp:x:5678:5678::/nonexistent:/usr/sbin/nologin
app:x:1001:1001:second app:/home/app2:/bin/sh
`;

const GROUP = `root:x:0:
nogroup:x:65534:
app:x:1000:
tokens:x:4000:kuma-dp,app
kuma-dp:x:5678:
bad:x:x:
`;

describe('users', () => {
  it('parses passwd entries, skipping comments, NIS lines and malformed ones', () => {
    expect(parsePasswd(PASSWD).map((u) => [u.name, u.uid, u.gid])).toEqual([
      ['root', 0, 0],
      ['nobody', 65534, 65534],
      ['app', 1000, 1000],
      ['kuma-dp', 5678, 5678],
      ['app', 1001, 1001],
    ]);
    expect(parsePasswd(PASSWD)[2]).toEqual({
      name: 'app',
      uid: 1000,
      gid: 1000,
      home: '/home/app',
      shell: '/bin/bash',
    });
  });

  it('parses groups with their members', () => {
    expect(parseGroup(GROUP).find((g) => g.name === 'tokens')).toEqual({
      name: 'tokens',
      gid: 4000,
      members: ['kuma-dp', 'app'],
    });
    expect(parseGroup(GROUP).map((g) => g.name)).not.toContain('bad');
  });

  it('looks users up by name and uid (first entry wins) and lists their groups', async () => {
    const dir = await tempDir('users');
    await writeFile(join(dir, 'passwd'), PASSWD);
    await writeFile(join(dir, 'group'), GROUP);
    const db = await readUserDb({ passwd: join(dir, 'passwd'), group: join(dir, 'group') });
    expect(db.findUser('app')?.uid).toBe(1000);
    expect(db.findUser('ldap-only')).toBeUndefined();
    expect(db.userByUid(5678)?.name).toBe('kuma-dp');
    expect(db.userByUid(1234)).toBeUndefined();
    expect(db.groupIdsOf(db.findUser('kuma-dp')!)).toEqual([5678, 4000]);
    expect(usersByName(db)).toEqual({ root: 0, nobody: 65534, app: 1000, 'kuma-dp': 5678 });
  });

  it('a missing /etc/group only loses supplementary groups; a missing passwd is an error', async () => {
    const dir = await tempDir('users-missing');
    await writeFile(join(dir, 'passwd'), PASSWD);
    const db = await readUserDb({ passwd: join(dir, 'passwd'), group: join(dir, 'nope') });
    expect(db.groupIdsOf(db.findUser('kuma-dp')!)).toEqual([5678]);
    await expect(readUserDb({ passwd: join(dir, 'nope') })).rejects.toMatchObject({
      code: 'live.read-failed',
      message: `cannot read ${join(dir, 'nope')}: ENOENT: it does not exist`,
    });
  });

  it('reads this host', async () => {
    const db = await readUserDb();
    expect(db.findUser('root')?.uid).toBe(0);
    expect(db.userByUid(0)?.name).toBe('root');
  });
});
