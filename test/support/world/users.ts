/**
 * Users of the test worlds. The kuma-dp user of the guide (uid 5678) is shared by every test and never deleted.
 * Throw-away users carry `<tag> pid <pid>` as their comment, so that those of a killed run (dead pid) can be found
 * and removed at the next start. useradd/userdel of the tests take a file lock; the product's own useradd does not,
 * so each is also retried briefly.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, type Result, sleep } from './exec.js';
import { isOfDeadRun } from './processes.js';

export const KUMA_DP_UID = 5678;
const USER_LOCK = join(tmpdir(), 'kgtest-e2e-users.lock');

const passwd = () =>
  readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));

export const userExists = (name: string) => passwd().some(([user]) => user === name);
const groupExists = (name: string) =>
  readFileSync('/etc/group', 'utf8')
    .split('\n')
    .some((line) => line.startsWith(`${name}:`));

/** Runs `attempt` up to 20 times, until `done()` holds; returns the last result. */
async function retried(attempt: () => Promise<Result>, done: () => boolean): Promise<Result | undefined> {
  let last: Result | undefined;
  for (let i = 0; i < 20 && !done(); i++) {
    last = await attempt();
    if (!done()) await sleep(50 + i * 50);
  }
  return last;
}

/** The kuma-dp user (uid 5678), created the way kuma-gitops creates it, unless it exists. */
export async function ensureKumaDpUser(): Promise<void> {
  const script =
    'getent passwd kuma-dp >/dev/null || useradd -u 5678 -U -M -d /nonexistent -s /usr/sbin/nologin kuma-dp';
  const last = await retried(
    () => exec(['flock', USER_LOCK, 'sh', '-c', script]),
    () => userExists('kuma-dp'),
  );
  if (!userExists('kuma-dp')) throw new Error(`cannot create the kuma-dp user (uid 5678): ${last?.stderr.trim()}`);
}

/** Creates `name` (and its group), with `uid` or a system uid, marked as created by this process under `tag`. */
export async function addUser(name: string, tag: string, uid?: number): Promise<void> {
  const id = uid === undefined ? ['--system'] : ['-u', String(uid)];
  const argv = [
    ...['flock', USER_LOCK, 'useradd', ...id, '-U', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin'],
    ...['-c', `${tag} pid ${process.pid}`, name],
  ];
  const last = await retried(
    () => exec(argv),
    () => userExists(name),
  );
  if (!userExists(name)) throw new Error(`useradd ${name} failed: ${last?.stderr.trim()}`);
}

/** A throw-away user (`<prefix><hex>`) with a uid that is free now; remove it with removeUser. */
export async function throwAwayUser(prefix = 'kgt'): Promise<{ name: string; uid: number }> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  const taken = new Set(passwd().map((fields) => Number(fields[2])));
  let uid = 47_000 + Math.floor(Math.random() * 2000);
  while (taken.has(uid)) uid++;
  await addUser(name, 'kgtest', uid);
  return { name, uid };
}

/** Deletes the user and the group of its name (userdel leaves that group when another user shares it). */
export async function removeUser(name: string): Promise<void> {
  const last = await retried(
    () => exec(['flock', USER_LOCK, 'userdel', name]),
    () => !userExists(name),
  );
  if (userExists(name)) throw new Error(`userdel ${name} failed: ${last?.stderr.trim()}`);
  if (groupExists(name)) await exec(['flock', USER_LOCK, 'groupdel', name]);
}

/** Users that addUser created under `tag` in processes that are gone: leftovers of killed runs. */
export function usersOfDeadRuns(tag: string): string[] {
  return passwd()
    .filter(([name, , , , comment]) => {
      const pid = new RegExp(`^${tag} pid (\\d+)$`).exec(comment ?? '')?.[1];
      return name !== undefined && pid !== undefined && isOfDeadRun(`${pid}-`, '');
    })
    .map(([name]) => name!);
}
