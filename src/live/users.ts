import { readFile } from 'node:fs/promises';
import { LiveReadError } from './live-errors.js';

/**
 * /etc/passwd and /etc/group as kumactl's static (CGO-off) Go build sees them (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3, InitializeKumaDPUser): the files only,
 * never NSS, so LDAP/SSSD users do not exist here either. Host-wide: network namespaces do not change them.
 */
export interface PasswdUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface UserDb {
  users: PasswdUser[];
  groups: GroupEntry[];
  /** First passwd entry with this name, as Go's `user.Lookup`. */
  findUser(name: string): PasswdUser | undefined;
  /** First passwd entry with this uid: whoever already holds a uid we want to give to the kuma-dp user. */
  userByUid(uid: number): PasswdUser | undefined;
  /** Primary gid plus every group that lists the user as a member. */
  groupIdsOf(user: PasswdUser): number[];
}

export interface UserDbPaths {
  passwd?: string;
  group?: string;
}

const DECIMAL_ID = /^[0-9]+$/;

/** Lines split on ':'; comments, blank lines and NIS `+`/`-` entries are skipped, as Go's pure lookup does. */
function colonLines(text: string, minFields: number): string[][] {
  const rows: string[][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length >= minFields) rows.push(fields);
  }
  return rows;
}

export function parsePasswd(text: string): PasswdUser[] {
  return colonLines(text, 7)
    .filter(([, , uid, gid]) => DECIMAL_ID.test(uid ?? '') && DECIMAL_ID.test(gid ?? ''))
    .map(([name, , uid, gid, , home, shell]) => ({
      name: name ?? '',
      uid: Number(uid),
      gid: Number(gid),
      home: home ?? '',
      shell: shell ?? '',
    }));
}

export function parseGroup(text: string): GroupEntry[] {
  return colonLines(text, 4)
    .filter(([, , gid]) => DECIMAL_ID.test(gid ?? ''))
    .map(([name, , gid, members]) => ({
      name: name ?? '',
      gid: Number(gid),
      members: (members ?? '').split(',').filter((m) => m !== ''),
    }));
}

export function createUserDb(users: PasswdUser[], groups: GroupEntry[]): UserDb {
  return {
    users,
    groups,
    findUser: (name) => users.find((u) => u.name === name),
    userByUid: (uid) => users.find((u) => u.uid === uid),
    groupIdsOf: (user) => [
      ...new Set([user.gid, ...groups.filter((g) => g.members.includes(user.name)).map((g) => g.gid)]),
    ],
  };
}

/** Reads both files; a missing /etc/group only loses supplementary groups, a missing /etc/passwd is an error. */
export async function readUserDb(paths: UserDbPaths = {}): Promise<UserDb> {
  const passwdPath = paths.passwd ?? '/etc/passwd';
  const groupPath = paths.group ?? '/etc/group';
  const [passwd, group] = await Promise.all([
    readFile(passwdPath, 'utf8').catch((error: unknown) => {
      throw new LiveReadError(passwdPath, error);
    }),
    readFile(groupPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw new LiveReadError(groupPath, error);
    }),
  ]);
  return createUserDb(parsePasswd(passwd), parseGroup(group));
}

/** name -> uid, first entry winning, as the rule generator's facts want them. */
export function usersByName(db: UserDb): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const user of db.users) if (!Object.hasOwn(byName, user.name)) byName[user.name] = user.uid;
  return byName;
}
