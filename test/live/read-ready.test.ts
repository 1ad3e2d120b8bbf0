/**
 * One `GET /ready` (REFERENCE §4.3): inside a namespace through the compiled probe (Node cannot enter a namespace),
 * and in-process without one. 200 is ready; any other status, no listener or no answer in time is not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readReady } from '../../src/live/read-ready.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';
import { startReadyServer, stopReadyServers } from './live-support.js';

const host = createCommandRunner();
const servers: Server[] = [];

async function serve(status: number | 'hang'): Promise<number> {
  const server = createServer((req, res) => {
    if (req.url !== '/ready') {
      res.writeHead(404).end();
    } else if (status !== 'hang') {
      res.writeHead(status).end(status === 200 ? 'READY' : 'NOT_READY');
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

describe('readReady without a namespace (node:http in this process)', () => {
  it('200 is ready', async () => {
    expect(await readReady(host, { address: '127.0.0.1', port: await serve(200) })).toEqual({
      ready: true,
      status: 200,
    });
  });

  it('503 is not ready, with the status', async () => {
    const port = await serve(503);
    expect(await readReady(host, { address: '127.0.0.1', port })).toEqual({
      ready: false,
      status: 503,
      reason: 'HTTP 503',
    });
  });

  it('nothing listening is not ready', async () => {
    const port = await serve(200);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await readReady(host, { address: '127.0.0.1', port })).toEqual({
      ready: false,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('no answer within the timeout is not ready, after one attempt', async () => {
    const port = await serve('hang');
    const started = Date.now();
    const result = await readReady(host, { address: '127.0.0.1', port }, { timeoutMs: 200 });
    expect(result).toEqual({ ready: false, reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

await describeWithNetns('readReady inside a network namespace', [], (fresh) => {
  afterEach(stopReadyServers);

  it('reaches a server that only exists inside the namespace (IPv4 and ::1), and not from outside', async () => {
    const ns = await fresh();
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    const v4 = await startReadyServer(ns, '127.0.0.1', '200');
    const v6 = await startReadyServer(ns, '::1', '200');
    const runner = createCommandRunner({ netns: ns.name });
    expect(await readReady(runner, { address: '127.0.0.1', port: v4.port })).toEqual({ ready: true, status: 200 });
    expect(await readReady(runner, { address: '::1', port: v6.port })).toEqual({ ready: true, status: 200 });
    // The host's loopback is another network: the same port there is not this server.
    const outside = await readReady(host, { address: '127.0.0.1', port: v4.port });
    expect(outside.status).not.toBe(200);
  });

  it('503, nothing listening and a hang are not ready', async () => {
    const ns = await fresh();
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    const notReady = await startReadyServer(ns, '127.0.0.1', '503');
    const hang = await startReadyServer(ns, '127.0.0.1', 'hang');
    const runner = createCommandRunner({ netns: ns.name });
    expect(await readReady(runner, { address: '127.0.0.1', port: notReady.port })).toEqual({
      ready: false,
      status: 503,
      reason: 'HTTP 503',
    });
    expect(await readReady(runner, { address: '127.0.0.1', port: hang.port }, { timeoutMs: 300 })).toEqual({
      ready: false,
      reason: 'no answer within 300 ms',
    });
    await notReady.stop();
    expect(await readReady(runner, { address: '127.0.0.1', port: notReady.port })).toEqual({
      ready: false,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('a namespace that is gone is not ready, with the reason', async () => {
    const runner = createCommandRunner({ netns: 'kgtest-0-gone' });
    const result = await readReady(runner, { address: '127.0.0.1', port: 9902 });
    expect(result.ready).toBe(false);
    expect(result.reason).toMatch(/in network namespace kgtest-0-gone.*Cannot open network namespace/s);
  });
});
