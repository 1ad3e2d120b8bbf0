import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KumaDpExitedError, KumaDpNotReadyError, waitUntilReady } from '../../src/supervisor/readiness-gate.js';
import { httpReadyProbe } from '../../src/supervisor/ready-probe.js';

// A real HTTP server in this process on 127.0.0.1:0 plays kuma-dp's /ready (REFERENCE §4.3).
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Answers 503 NOT_READY to the first `notReady` requests, then 200 READY; counts requests. */
async function readyEndpoint(notReady: number) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    if (req.url !== '/ready') res.writeHead(404).end();
    else if (requests <= notReady) res.writeHead(503).end('NOT_READY');
    else res.writeHead(200).end('READY');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, requests: () => requests };
}

describe('waitUntilReady', () => {
  it('resolves on the first ready answer, after N not-ready attempts', async () => {
    const endpoint = await readyEndpoint(3);
    const attempts: Array<{ attemptNumber: number; status: string }> = [];
    await waitUntilReady(httpReadyProbe({ address: '127.0.0.1', port: endpoint.port }), {
      intervalMs: 20,
      timeoutMs: 5_000,
      onNotReady: ({ attemptNumber, status }) => attempts.push({ attemptNumber, status }),
    });
    expect(endpoint.requests()).toBe(4);
    expect(attempts).toEqual(
      [1, 2, 3].map((n) => ({
        attemptNumber: n,
        status: `GET http://127.0.0.1:${endpoint.port}/ready: HTTP 503 NOT_READY`,
      })),
    );
  });

  it('rejects with kuma-dp.not-ready after the timeout, with waited time, attempts and last status', async () => {
    const endpoint = await readyEndpoint(Number.POSITIVE_INFINITY);
    const t0 = Date.now();
    const error = await waitUntilReady(httpReadyProbe({ address: '127.0.0.1', port: endpoint.port }), {
      intervalMs: 50,
      timeoutMs: 400,
      subject: 'kuma-dp of host web-1',
    }).catch((e) => e);
    const elapsed = Date.now() - t0;
    expect(error).toBeInstanceOf(KumaDpNotReadyError);
    expect(error.code).toBe('kuma-dp.not-ready');
    expect(error.data.attempts).toBe(endpoint.requests());
    expect(error.data.attempts).toBeGreaterThanOrEqual(4);
    expect(error.data.waitedMs).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(1_500);
    expect(error.data.lastStatus).toBe(`GET http://127.0.0.1:${endpoint.port}/ready: HTTP 503 NOT_READY`);
    expect(error.message).toMatch(
      /^kuma-dp of host web-1 was not ready after \d+ ms \(\d+ attempts, last: GET .* HTTP 503 NOT_READY\): check its log/,
    );
  });

  it('counts nothing listening as not ready, and says so', async () => {
    const endpoint = await readyEndpoint(0);
    const port = endpoint.port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const error = await waitUntilReady(httpReadyProbe({ address: '127.0.0.1', port }), {
      intervalMs: 20,
      timeoutMs: 100,
    }).catch((e) => e);
    expect(error.data.lastStatus).toBe(`GET http://127.0.0.1:${port}/ready: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('short-circuits with kuma-dp.exited when the process is found dead', async () => {
    const endpoint = await readyEndpoint(Number.POSITIVE_INFINITY);
    let checks = 0;
    const t0 = Date.now();
    const error = await waitUntilReady(httpReadyProbe({ address: '127.0.0.1', port: endpoint.port }), {
      intervalMs: 20,
      timeoutMs: 60_000,
      isAlive: async () => ++checks < 3,
    }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(KumaDpExitedError);
    expect(error).toMatchObject({ code: 'kuma-dp.exited', data: { attempts: 3 } });
    expect(error.message).toMatch(/^kuma-dp exited after \d+ ms before it was ready \(last: GET .* 503 NOT_READY\)/);
  });

  it('quotes the log the supervisor names when kuma-dp exits or stays unready; an unreadable log changes nothing', async () => {
    const log = { where: '/var/lib/kuma-gitops/h/kuma-dp.log', lines: ['starting', 'Error: x509: unknown authority'] };
    const exited = await waitUntilReady(async () => false, {
      intervalMs: 1,
      isAlive: async () => false,
      logExcerpt: async () => log,
    }).catch((e) => e);
    expect(exited.message).toMatch(
      /^kuma-dp exited after \d+ ms before it was ready \(last: not ready\); its log is \/var\/lib\/kuma-gitops\/h\/kuma-dp\.log, ending:\n {2}\| starting\n {2}\| Error: x509: unknown authority$/,
    );
    expect(exited.data.log).toEqual(log);
    const unready = await waitUntilReady(async () => false, {
      intervalMs: 1,
      timeoutMs: 30,
      logExcerpt: async () => log,
    }).catch((e) => e);
    expect(unready).toBeInstanceOf(KumaDpNotReadyError);
    expect(unready.message).toMatch(
      /raise the ready timeout; its log is \/var\/lib\/kuma-gitops\/h\/kuma-dp\.log, ending:/,
    );
    const broken = await waitUntilReady(async () => false, {
      intervalMs: 1,
      isAlive: async () => false,
      logExcerpt: async () => {
        throw new Error('EACCES');
      },
    }).catch((e) => e);
    expect(broken.message).toMatch(/: check its log for the error it stopped on$/);
  });

  it('takes boolean probes and probes that throw (their message is the status)', async () => {
    let calls = 0;
    await waitUntilReady(async () => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
    const error = await waitUntilReady(
      async () => {
        throw new Error('socket hang up');
      },
      { intervalMs: 10, timeoutMs: 50 },
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'kuma-dp.not-ready', data: { lastStatus: 'socket hang up' } });
  });

  it('surfaces a failing liveness check instead of retrying it', async () => {
    const error = await waitUntilReady(async () => false, {
      intervalMs: 10,
      isAlive: async () => {
        throw new Error('cannot read /proc');
      },
    }).catch((e) => e);
    expect(error.message).toBe('cannot read /proc');
  });

  it('probes once with a zero timeout', async () => {
    let calls = 0;
    const error = await waitUntilReady(async () => ++calls < 0, { timeoutMs: 0 }).catch((e) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: 'kuma-dp.not-ready', data: { attempts: 1 } });
  });
});

describe('httpReadyProbe', () => {
  it('is ready only on 200 and quotes the body of other answers; IPv6 addresses get brackets', async () => {
    const endpoint = await readyEndpoint(1);
    const probe = httpReadyProbe({ address: '127.0.0.1', port: endpoint.port });
    expect(await probe()).toEqual({
      ready: false,
      status: `GET http://127.0.0.1:${endpoint.port}/ready: HTTP 503 NOT_READY`,
    });
    expect(await probe()).toEqual({
      ready: true,
      status: `GET http://127.0.0.1:${endpoint.port}/ready: HTTP 200 READY`,
    });
    const v6 = await httpReadyProbe({ address: '::1', port: endpoint.port })();
    expect(v6.status).toMatch(new RegExp(`^GET http://\\[::1\\]:${endpoint.port}/ready: `));
  });
});
