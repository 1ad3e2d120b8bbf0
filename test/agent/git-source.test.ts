import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGitSource } from '../../src/agent/git-source.js';
import { basic, type GitServer, startGitServer } from '../support/git-http-server.js';
import { commitFiles, git, initRepo } from '../support/git-repo.js';
import { makeTestCa } from '../support/test-ca.js';

/**
 * The agent's git source against Debian's real `git http-backend` on 127.0.0.1: polls, fetches, the fast-forward
 * check, and every server fault the agent must survive without a retry storm or a leaked password.
 */
const PASSWORD = 'pw-7f3a-secret';
const AUTH = basic('agent', PASSWORD);
const work = mkdtempSync(join(tmpdir(), 'kg-git-source-'));
const served = join(work, 'served');
const author = join(work, 'author');
let server: GitServer;
let url: string;
let first: string;

beforeAll(async () => {
  mkdirSync(author);
  initRepo(author);
  // A first commit of some size, so a re-download of the history would show in the byte counts.
  const big = Object.fromEntries(
    Array.from({ length: 200 }, (_, i) => [
      `hosts/h${i}.yaml`,
      `name: h${i}\nnote: ${randomBytes(1500).toString('hex')}\n`,
    ]),
  );
  first = commitFiles(author, big, 'first');
  mkdirSync(served);
  git(work, 'clone', '-q', '--bare', author, join(served, 'mesh.git'));
  git(author, 'remote', 'add', 'origin', join(served, 'mesh.git'));
  server = await startGitServer({ root: served, auth: { username: 'agent', password: PASSWORD } });
  url = `${server.url}/mesh.git`;
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
const stateDir = () => {
  const dir = join(work, `state-${n++}`);
  mkdirSync(dir);
  return dir;
};
const open = (o: Partial<Parameters<typeof openGitSource>[0]> = {}) =>
  openGitSource({
    stateDir: stateDir(),
    url,
    branch: 'main',
    authorization: AUTH,
    timeoutMs: 10_000,
    retries: 2,
    retryDelayMs: 10,
    ...o,
  });
const push = (files: Record<string, string | null>, message: string, force = false) => {
  const commit = commitFiles(author, files, message);
  git(author, 'push', '-q', ...(force ? ['--force'] : []), 'origin', 'HEAD:main');
  return commit;
};

describe('git source over HTTP', () => {
  it('polls with one small request carrying the credentials, fetches the history once, then only what is new', async () => {
    const source = await open();
    server.requests.length = 0;
    const head = await source.remoteHead();
    expect(head).toBe(git(author, 'rev-parse', 'HEAD'));
    expect(server.requests).toEqual([expect.objectContaining({ method: 'GET', status: 200, authorization: true })]);
    await source.fetch(head!);
    expect(await source.has(first)).toBe(true);
    const firstFetch = source.http!.counters.bytesIn;

    // Nothing changed: one GET, under 1 KB on the wire.
    const before = source.http!.counters.bytesIn;
    server.requests.length = 0;
    expect(await source.remoteHead()).toBe(head);
    expect(server.requests).toHaveLength(1);
    expect(source.http!.counters.bytesIn - before).toBeLessThan(1024);

    const next = push({ 'hosts/h1.yaml': 'name: h1\nport: 2\n' }, 'second');
    const at = source.http!.counters.bytesIn;
    await source.fetch((await source.remoteHead())!);
    expect(await source.has(next)).toBe(true);
    // The local branch ref was moved after the first fetch, so the second brings one commit, not the history.
    expect(source.http!.counters.bytesIn - at).toBeLessThan(firstFetch / 10);
    expect(await source.isForward(head!, next)).toBe(true);
    expect(await source.isForward(next, next)).toBe(true);
    expect(await source.isForward(next, head!)).toBe(false);
  });

  it('sees a force-push as not forward', async () => {
    const source = await open();
    const before = (await source.remoteHead())!;
    await source.fetch(before);
    git(author, 'reset', '-q', '--hard', 'HEAD~1');
    const rewritten = push({ 'hosts/h2.yaml': 'name: h2\nrewritten: true\n' }, 'rewritten', true);
    expect(await source.remoteHead()).toBe(rewritten);
    await source.fetch(rewritten);
    expect(await source.isForward(before, rewritten)).toBe(false);
  });

  it('wrong credentials: one request, a clear error, no retry, the password nowhere in it', async () => {
    const source = await open({ authorization: basic('agent', 'wrong') });
    server.requests.length = 0;
    const error = await source.remoteHead().catch((e) => e);
    expect(error).toMatchObject({
      code: 'agent.git-auth',
      message: expect.stringMatching(/refused our credentials \(HTTP 401\)/),
    });
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(PASSWORD);
  });

  it.each([
    ['status-500', 'agent.git-http', 3],
    ['hang', 'agent.git-timeout', 3],
  ] as const)('a server answering %s is tried again with backoff, then %s', async (fault, code, requests) => {
    const source = await open({ timeoutMs: 300 });
    server.requests.length = 0;
    server.fault = fault;
    try {
      await expect(source.remoteHead()).rejects.toMatchObject({ code });
      expect(server.requests).toHaveLength(requests);
    } finally {
      server.fault = 'none';
    }
  });

  it('garbage instead of a pack: an error, and the local branch stays where it was', async () => {
    const source = await open();
    const head = (await source.remoteHead())!;
    await source.fetch(head);
    const next = push({ 'hosts/h3.yaml': 'name: h3\n' }, 'third');
    server.fault = 'garbage-pack';
    try {
      await expect(source.fetch(next)).rejects.toMatchObject({ code: expect.stringMatching(/^agent\.git-/) });
    } finally {
      server.fault = 'none';
    }
    expect(await source.has(next)).toBe(false);
    expect(git(source.gitdir, 'rev-parse', 'refs/heads/main')).toBe(head);
  });

  it('an emptied repository (no refs at all) has no head', async () => {
    git(served, 'init', '-q', '--bare', 'empty.git');
    const source = await open({ url: `${server.url}/empty.git` });
    expect(await source.remoteHead()).toBeUndefined();
  });

  it('a deleted branch has no head; an unreachable server is a network error after the retries', async () => {
    const source = await open({ branch: 'gone' });
    expect(await source.remoteHead()).toBeUndefined();
    const down = await open({ url: 'http://127.0.0.1:9/mesh.git' });
    await expect(down.remoteHead()).rejects.toMatchObject({ code: 'agent.git-unreachable' });
  });
});

describe('git source over HTTPS with a private CA', () => {
  let tls: GitServer;
  let ca: string;
  beforeAll(async () => {
    const dir = join(work, 'ca');
    mkdirSync(dir);
    const made = makeTestCa(dir);
    ca = made.ca;
    tls = await startGitServer({ root: served, tls: { key: made.key, cert: made.cert } });
  });
  afterAll(async () => tls?.close());

  it('trusts the server through the configured CA', async () => {
    const source = await open({ url: `${tls.url}/mesh.git`, ca, authorization: undefined });
    const head = (await source.remoteHead())!;
    await source.fetch(head);
    expect(await source.has(head)).toBe(true);
  });

  it('without that CA: a certificate error, not retried', async () => {
    const source = await open({ url: `${tls.url}/mesh.git`, authorization: undefined });
    tls.requests.length = 0;
    await expect(source.remoteHead()).rejects.toMatchObject({
      code: 'agent.git-tls',
      message: expect.stringMatching(/set source.caFile/),
    });
  });
});
