import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsQuery, parseDnsResponse, TYPE, udpExchange } from './dns-client.js';
import {
  type Fixture,
  get,
  killAll,
  makeFixture,
  type Running,
  readTcp,
  removeFixture,
  start,
  TOKEN,
  until,
} from './harness.js';

const READY_AFTER_MS = 800;

// One stand-in with the guide's command line, walked through its whole life: the tests run in order.
describe('stand-in kuma-dp: the guide command line from start to SIGTERM', () => {
  let f: Fixture;
  let dp: Running;
  beforeAll(async () => {
    f = await makeFixture();
    // The inline token must never be printed either.
    dp = start([...f.guideArgs, `--dataplane-token=${TOKEN}-inline`], {
      ...f.env,
      KUMA_STANDIN_READY_AFTER_MS: String(READY_AFTER_MS),
    });
  });
  afterAll(async () => {
    killAll();
    await removeFixture(f);
  });

  it('answers 503 NOT_READY until started, then 200 READY with exactly kuma-dp headers', async () => {
    const first = await until(() => get(f.readiness), 5000, 'the readiness endpoint');
    expect(first.status).toBe(503);
    expect(first.body).toBe('NOT_READY');
    const ready = await until(
      async () => ((await get(f.readiness))?.status === 200 ? get(f.readiness) : undefined),
      5000,
      '200',
    );
    expect(ready.body).toBe('READY');
    expect(ready.headers['content-type']).toBe('text/plain');
    expect(ready.headers['cache-control']).toBe('no-cache, max-age=0');
    expect(ready.headers['x-powered-by']).toBe('kuma-dp');
    expect(ready.headers['content-length']).toBe('5');
  });

  it('becomes ready only after every listener is bound plus the configured delay', async () => {
    const events = dp.events();
    const listening = events.filter((e) => e.event === 'listening');
    expect(listening.map((e) => `${e.details.listener}/${e.details.address}:${e.details.port}`)).toEqual([
      `readiness/127.0.0.1:${f.readiness}`,
      `inbound/127.0.0.1:${f.inbound}`,
      `inbound/::1:${f.inbound}`,
      `outbound/127.0.0.1:${f.outbound}`,
      `outbound/::1:${f.outbound}`,
      `dns/127.0.0.1:${f.dns}`,
      `dns/::1:${f.dns}`,
    ]);
    const ready = events.find((e) => e.event === 'ready')!;
    expect(ready.time - listening.at(-1)!.time).toBeGreaterThanOrEqual(READY_AFTER_MS - 5);
    expect(events.findIndex((e) => e.event === 'rendered resource')).toBeLessThan(events.indexOf(listening[0]!));
    expect(events.find((e) => e.event === 'rendered resource')!.details.resource).toContain(
      'name: example-server-dataplane\nnetworking:\n  address: 192.0.2.10\n  inbound:\n    - port: 8080\n',
    );
  });

  it('answers 404 on every path but /ready, and ignores the query string like Go', async () => {
    for (const path of ['/', '/ready/', '/readyz', '/READY', '/stats']) {
      const r = await get(f.readiness, path);
      expect([path, r?.status, r?.body]).toEqual([path, 404, '404 page not found\n']);
    }
    expect((await get(f.readiness, '/ready?verbose=1'))?.status).toBe(200);
  });

  it('answers each connection on the redirect ports with one marker line, on both families', async () => {
    for (const [port, host] of [
      [f.inbound, '127.0.0.1'],
      [f.outbound, '127.0.0.1'],
      [f.inbound, '::1'],
      [f.outbound, '::1'],
    ] as const) {
      const remote = host.includes(':') ? `\\[${host.replace(/\./g, '\\.')}\\]` : host.replace(/\./g, '\\.');
      const marker = new RegExp(
        `^kuma-dp-standin port=${port} local=${host.replace(/\./g, '\\.')} remote=${remote}:\\d+\\n$`,
      );
      expect(await readTcp(port, host)).toMatch(marker);
    }
  });

  it('answers a UDP DNS query with the same id, the question and one A record', async () => {
    const query = dnsQuery(0x4b1d, 'example.com', TYPE.A);
    const reply = await udpExchange(f.dns, '127.0.0.1', query);
    expect(reply).toBeDefined();
    const r = parseDnsResponse(reply!, query.length);
    expect(r.id).toBe(0x4b1d);
    expect(r.flags & 0x8000).toBe(0x8000); // a response
    expect(r.flags & 0x0100).toBe(0x0100); // RD copied
    expect(r.flags & 0x000f).toBe(0); // NOERROR
    expect(r.question).toEqual(query.subarray(12));
    expect(r.answers).toEqual([
      { namePointer: 0xc00c, type: TYPE.A, cls: 1, ttl: 5, data: Buffer.from([127, 0, 0, 53]) },
    ]);
  });

  it('answers other query types over IPv6 with a TXT record naming the port', async () => {
    for (const qtype of [TYPE.TXT, TYPE.AAAA]) {
      const query = dnsQuery(7, 'redis.mesh', qtype);
      const reply = await udpExchange(f.dns, '::1', query);
      const r = parseDnsResponse(reply!, query.length);
      expect(r.id).toBe(7);
      expect(r.answers).toHaveLength(1);
      expect(r.answers[0]!.type).toBe(TYPE.TXT);
      const text = `kuma-dp-standin port=${f.dns}`;
      expect(r.answers[0]!.data.toString()).toBe(`${String.fromCharCode(text.length)}${text}`);
    }
  });

  it('does not answer garbage on the DNS port, and keeps serving afterwards', async () => {
    expect(await udpExchange(f.dns, '127.0.0.1', Buffer.from('hello'), 300)).toBeUndefined();
    expect(await udpExchange(f.dns, '127.0.0.1', dnsQuery(9, 'a.b', TYPE.A))).toBeDefined();
  });

  it('answers 503 TERMINATING after SIGTERM, then exits 0 without printing any token', async () => {
    dp.child.kill('SIGTERM');
    const terminating = await until(
      async () => ((await get(f.readiness))?.body === 'TERMINATING' ? get(f.readiness) : undefined),
      2000,
      'TERMINATING',
    );
    expect(terminating.status).toBe(503);
    expect(terminating.headers['x-powered-by']).toBe('kuma-dp');
    expect(await dp.exited).toEqual({ code: 0, signal: null });
    expect(
      dp
        .events()
        .map((e) => e.event)
        .slice(-2),
    ).toEqual(['terminating', 'exiting']);
    expect(await get(f.readiness)).toBeUndefined();
    expect(`${dp.stdout()}${dp.stderr()}`).not.toContain(TOKEN);
    expect(dp.stdout()).toContain('"dataplane-token":"<redacted>"');
  });
});
