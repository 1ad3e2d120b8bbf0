/**
 * The git source through a real HTTP(S) proxy (Debian's tinyproxy): plain http in absolute form, https through a
 * CONNECT tunnel with the server's certificate still checked against the configured CA, NO_PROXY bypassing it; and
 * the proxy choice itself as a table.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyFor, proxySettings } from '../../src/agent/git-proxy.js';
import { openGitSource } from '../../src/agent/git-source.js';
import { type GitServer, startGitServer } from '../support/git-http-server.js';
import { commitFiles, git, initRepo } from '../support/git-repo.js';
import { makeTestCa } from '../support/test-ca.js';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.js';

describe('which proxy, if any', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', http_proxy: 'proxy2:8080' };
  it.each([
    ['https from HTTPS_PROXY', env, undefined, 'https://git.example.com/r.git', 'http://proxy:3128/'],
    ['http from http_proxy, scheme added', env, undefined, 'http://git.example.com/r.git', 'http://proxy2:8080/'],
    ['the config wins over the environment', env, 'http://conf:1', 'https://git.example.com/r.git', 'http://conf:1/'],
    ['no proxy at all', {}, undefined, 'https://git.example.com/r.git', undefined],
    [
      'NO_PROXY=* bypasses everything',
      { ...env, NO_PROXY: '*' },
      undefined,
      'https://git.example.com/r.git',
      undefined,
    ],
    [
      'NO_PROXY matches the host',
      { ...env, NO_PROXY: 'git.example.com' },
      undefined,
      'https://git.example.com/r.git',
      undefined,
    ],
    [
      'NO_PROXY matches subdomains',
      { ...env, no_proxy: 'example.com' },
      undefined,
      'https://git.example.com/r.git',
      undefined,
    ],
    [
      'NO_PROXY with a leading dot',
      { ...env, NO_PROXY: '.example.com' },
      undefined,
      'https://git.example.com/r.git',
      undefined,
    ],
    [
      'NO_PROXY for another port does not match',
      { ...env, NO_PROXY: 'git.example.com:8443' },
      undefined,
      'https://git.example.com/r.git',
      'http://proxy:3128/',
    ],
    [
      'NO_PROXY with the port',
      { ...env, NO_PROXY: 'git.example.com:443' },
      undefined,
      'https://git.example.com/r.git',
      undefined,
    ],
    [
      'NO_PROXY is not a substring match',
      { ...env, NO_PROXY: 'ample.com' },
      undefined,
      'https://git.example.com/r.git',
      'http://proxy:3128/',
    ],
    ['NO_PROXY with an IP address', { ...env, NO_PROXY: '10.0.0.5' }, undefined, 'https://10.0.0.5/r.git', undefined],
  ] as const)('%s', (_name, e, configured, target, expected) => {
    expect(proxyFor(new URL(target), proxySettings(configured, e))?.href).toBe(expected);
  });
});

describe('through tinyproxy', () => {
  const work = mkdtempSync(join(tmpdir(), 'kg-git-proxy-'));
  let proxy: Tinyproxy;
  let plain: GitServer;
  let tls: GitServer;
  let ca: string;
  beforeAll(async () => {
    const author = join(work, 'author');
    mkdirSync(author);
    initRepo(author);
    commitFiles(author, { 'hosts/a.yaml': 'name: a\n' }, 'first');
    mkdirSync(join(work, 'served'));
    git(work, 'clone', '-q', '--bare', author, join(work, 'served', 'mesh.git'));
    mkdirSync(join(work, 'ca'));
    const made = makeTestCa(join(work, 'ca'));
    ca = made.ca;
    plain = await startGitServer({ root: join(work, 'served') });
    tls = await startGitServer({ root: join(work, 'served'), tls: { key: made.key, cert: made.cert } });
    proxy = await startTinyproxy(work);
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await plain?.close();
    await tls?.close();
    rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  const sync = async (url: string, o: { ca?: string; noProxy?: string } = {}) => {
    const source = await openGitSource({
      stateDir: join(work, `state-${n++}`),
      url,
      branch: 'main',
      timeoutMs: 10_000,
      retries: 0,
      ...(o.ca ? { ca: o.ca } : {}),
      proxy: proxySettings(proxy.url, o.noProxy ? { NO_PROXY: o.noProxy } : {}),
    });
    const head = (await source.remoteHead())!;
    await source.fetch(head);
    return source.has(head);
  };

  it('plain http goes through the proxy (the server sees its Via header)', async () => {
    plain.requests.length = 0;
    expect(await sync(`${plain.url}/mesh.git`)).toBe(true);
    expect(plain.requests.length).toBeGreaterThan(0);
    expect(plain.requests.every((r) => /tinyproxy/.test(r.via ?? ''))).toBe(true);
  });

  it('https goes through a CONNECT tunnel, the certificate checked against the CA', async () => {
    const before = (proxy.log().match(/Request \(file descriptor \d+\): CONNECT 127\.0\.0\.1:/g) ?? []).length;
    expect(await sync(`${tls.url}/mesh.git`, { ca })).toBe(true);
    expect((proxy.log().match(/Request \(file descriptor \d+\): CONNECT 127\.0\.0\.1:/g) ?? []).length).toBeGreaterThan(
      before,
    );
    await expect(sync(`${tls.url}/mesh.git`)).rejects.toMatchObject({ code: 'agent.git-tls' });
  });

  it('NO_PROXY sends it direct', async () => {
    plain.requests.length = 0;
    expect(await sync(`${plain.url}/mesh.git`, { noProxy: '127.0.0.1' })).toBe(true);
    expect(plain.requests.some((r) => r.via !== undefined)).toBe(false);
  });
});
