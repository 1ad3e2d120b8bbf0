/**
 * Alerts against Debian's real Alertmanager (started here on 127.0.0.1, no gossip port): fire and resolve seen
 * through `GET /api/v2/alerts` and through Alertmanager's own webhook notifications; the generic webhook with its
 * HMAC signature; and the faults: Alertmanager down (delivered when it is back), a webhook answering 500 then 200,
 * a webhook that hangs (the sender never blocks), a full queue (oldest dropped and counted).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertBook } from '../../src/agent/alert-book.js';
import { alertSender } from '../../src/agent/alert-sender.js';
import { type Alertmanager, startAlertmanager } from '../support/alertmanager.js';

interface Received {
  path: string;
  body: { alerts?: { status?: string; labels: Record<string, string>; endsAt?: string }[]; status?: string };
  signature?: string;
  raw: string;
}

const work = mkdtempSync(join(tmpdir(), 'kg-alerts-'));
let receiver: Server;
let hookUrl = '';
const received: Received[] = [];
let mode: 'ok' | 'fail-once' | 'hang' = 'ok';
let failures = 0;

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      if (mode === 'hang' && req.url === '/generic') return;
      if (mode === 'fail-once' && req.url === '/generic' && failures === 0) {
        failures++;
        res.writeHead(500).end('try later');
        return;
      }
      received.push({
        path: req.url ?? '',
        body: JSON.parse(raw || '{}'),
        raw,
        signature: req.headers['x-kuma-gitops-signature'] as string | undefined,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(work, { recursive: true, force: true });
});

const activeIn = async (am: Alertmanager, name: string) =>
  (await (await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`)).json()) as {
    labels: Record<string, string>;
  }[];

describe('alerts to the real Alertmanager', () => {
  let am: Alertmanager;
  beforeAll(async () => {
    am = await startAlertmanager(work, `${hookUrl}/am`);
  }, 60_000);
  afterAll(async () => am?.stop());

  it('fires and resolves a drift alert; Alertmanager notifies both', async () => {
    const sender = alertSender({ alertmanagers: [am.url] }, () => undefined);
    const book = alertBook({ host: 'web-1', sender, resendMs: 60_000 });
    book.fire(
      'KumaGitopsDrift',
      { class: 'rules-missing', revision: 'abc123' },
      'Kuma rules missing on web-1',
      'ipv4 nat PREROUTING: jump missing',
    );
    await sender.idle();
    await expect
      .poll(async () => (await activeIn(am, 'KumaGitopsDrift')).map((a) => a.labels), { timeout: 20_000 })
      .toEqual([
        {
          alertname: 'KumaGitopsDrift',
          host: 'web-1',
          severity: 'warning',
          class: 'rules-missing',
          revision: 'abc123',
        },
      ]);
    await expect
      .poll(() => received.some((r) => r.path === '/am' && r.body.status === 'firing'), { timeout: 20_000 })
      .toBe(true);
    book.resolve('KumaGitopsDrift', { class: 'rules-missing' });
    await sender.idle();
    await expect.poll(async () => (await activeIn(am, 'KumaGitopsDrift')).length, { timeout: 20_000 }).toBe(0);
    await expect
      .poll(() => received.some((r) => r.path === '/am' && r.body.status === 'resolved'), { timeout: 20_000 })
      .toBe(true);
    book.stop();
  });

  it('Alertmanager down: the alert waits in the queue and is delivered when it is back', async () => {
    await am.stop();
    const sender = alertSender({ alertmanagers: [am.url], retries: 8, retryDelayMs: 100 }, () => undefined);
    const book = alertBook({ host: 'web-2', sender, resendMs: 60_000 });
    book.fire('KumaGitopsRollback', { revision: 'def456' }, 'revision def456 rolled back on web-2');
    await new Promise((r) => setTimeout(r, 300));
    await am.start();
    await sender.idle();
    expect(sender.failed).toBe(0);
    expect((await activeIn(am, 'KumaGitopsRollback')).map((a) => a.labels.host)).toEqual(['web-2']);
    book.stop();
  }, 60_000);
});

describe('the generic webhook', () => {
  it('gets the alerts with an HMAC-SHA256 signature of the body, retried after a 500', async () => {
    mode = 'fail-once';
    const sender = alertSender(
      { alertmanagers: [], webhook: { url: `${hookUrl}/generic`, secret: 's3cret' }, retryDelayMs: 50 },
      () => undefined,
    );
    const book = alertBook({ host: 'web-3', sender, resendMs: 60_000 });
    book.fire('KumaGitopsRevisionRefused', { revision: 'aaa', reason: 'agent.unsigned' }, 'commit aaa is not signed');
    await sender.idle();
    mode = 'ok';
    const got = received.filter((r) => r.path === '/generic');
    expect(got).toHaveLength(1);
    expect(got[0]!.signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(got[0]!.raw).digest('hex')}`);
    expect(got[0]!.body.alerts![0]!.labels).toMatchObject({
      alertname: 'KumaGitopsRevisionRefused',
      reason: 'agent.unsigned',
    });
    book.stop();
  });

  it('re-sends a firing alert every resendMs (inside resolve_timeout), and stops once it is resolved', async () => {
    const before = received.filter((r) => r.path === '/generic').length;
    const sender = alertSender({ alertmanagers: [], webhook: { url: `${hookUrl}/generic` } }, () => undefined);
    const book = alertBook({ host: 'web-4', sender, resendMs: 100 });
    book.fire('KumaGitopsSyncFailing', {}, 'the git server cannot be reached');
    const count = () => received.filter((r) => r.path === '/generic').length - before;
    await expect.poll(count, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    book.resolve('KumaGitopsSyncFailing');
    await sender.idle();
    const last = received.filter((r) => r.path === '/generic').at(-1)!;
    expect(last.body.alerts![0]!.endsAt).toBeDefined();
    const after = count();
    await new Promise((r) => setTimeout(r, 300));
    expect(count()).toBe(after);
    book.stop();
  });

  it('a webhook that hangs never blocks the sender; a full queue drops the oldest and counts it', async () => {
    mode = 'hang';
    const warnings: string[] = [];
    const sender = alertSender(
      { alertmanagers: [], webhook: { url: `${hookUrl}/generic` }, timeoutMs: 200, retries: 0, queueSize: 2 },
      (m) => warnings.push(m),
    );
    const started = performance.now();
    for (let i = 0; i < 5; i++)
      sender.send([{ labels: { alertname: `A${i}` }, annotations: {}, startsAt: new Date().toISOString() }]);
    expect(performance.now() - started).toBeLessThan(50);
    await sender.idle();
    mode = 'ok';
    // One in flight when the rest came: of the four queued behind it, two were dropped.
    expect(sender.dropped).toBe(2);
    expect(sender.failed).toBe(3);
    expect(warnings).toContain('alert delivery failed');
  });
});
