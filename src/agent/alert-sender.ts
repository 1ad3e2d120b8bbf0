import { createHmac } from 'node:crypto';
import pRetry from 'p-retry';

/**
 * Delivery of alerts to Alertmanager's v2 API (`POST /api/v2/alerts`, each URL of an HA pair gets every alert) and
 * to a generic webhook (the same alerts as JSON, with an optional `X-Kuma-Gitops-Signature: sha256=<hex HMAC>`).
 * Delivery never blocks the agent: posts go through a bounded queue, each retried with backoff; when the queue is
 * full the oldest is dropped and counted. Plain `fetch`, with a time limit per request.
 */
export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

export interface AlertTargets {
  alertmanagers: string[];
  webhook?: { url: string; secret?: string };
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  queueSize?: number;
}

export interface AlertSender {
  send(alerts: Alert[]): void;
  /** Resolves when everything queued so far was delivered or given up. */
  idle(): Promise<void>;
  readonly dropped: number;
  readonly failed: number;
}

type Delivery = { url: string; body: string; headers: Record<string, string> };

export function alertSender(
  t: AlertTargets,
  warn: (message: string, data: Record<string, unknown>) => void,
): AlertSender {
  const queue: Delivery[] = [];
  const max = t.queueSize ?? 1000;
  let dropped = 0;
  let failed = 0;
  let running: Promise<void> | undefined;

  const post = async (d: Delivery) => {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...d.headers },
      body: d.body,
      signal: AbortSignal.timeout(t.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`${d.url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  };
  const drain = async () => {
    while (queue.length > 0) {
      const d = queue.shift()!;
      try {
        await pRetry(() => post(d), { retries: t.retries ?? 5, minTimeout: t.retryDelayMs ?? 1000, factor: 2 });
      } catch (e) {
        failed++;
        warn('alert delivery failed', { url: d.url, error: (e as Error).message });
      }
    }
    running = undefined;
  };
  const enqueue = (d: Delivery) => {
    if (queue.length >= max) {
      queue.shift();
      dropped++;
    }
    queue.push(d);
    running ??= drain();
  };
  return {
    send(alerts) {
      if (alerts.length === 0) return;
      const body = JSON.stringify(alerts);
      for (const base of t.alertmanagers)
        enqueue({ url: `${base.replace(/\/$/, '')}/api/v2/alerts`, body, headers: {} });
      if (t.webhook) {
        const hook = JSON.stringify({ alerts });
        const headers: Record<string, string> = t.webhook.secret
          ? { 'X-Kuma-Gitops-Signature': `sha256=${createHmac('sha256', t.webhook.secret).update(hook).digest('hex')}` }
          : {};
        enqueue({ url: t.webhook.url, body: hook, headers });
      }
    },
    idle: async () => {
      while (running) await running;
    },
    get dropped() {
      return dropped;
    },
    get failed() {
      return failed;
    },
  };
}
