import http from 'node:http';
import type { CommandRunner } from '../system/command-runner.js';
import { askReadyInNetns } from './netns-ready-probe.js';
import type { ReadyCheck } from './readiness-gate.js';

/**
 * kuma-dp's readiness endpoint, `GET /ready` (kumahq/kuma app/kuma-dp/pkg/dataplane/readiness/component.go@v2.14.3):
 * 200 is ready, anything else (503 NOT_READY,
 * TERMINATING, `envoy not ready`) or no answer is not. The address is loopback in kuma-dp's own network namespace,
 * so with a namespace configured the request is made from inside it (netns-ready-probe.ts).
 */
export interface ReadyTarget {
  /** 127.0.0.1, or ::1 for an IPv6 Dataplane address. */
  address: string;
  port: number;
}

export interface ReadyProbeOptions {
  /** When it has a network namespace, the request is made inside it. */
  runner?: CommandRunner;
  /** Per request (default 1 s). */
  requestTimeoutMs?: number;
}

export interface ReadyAnswer {
  status?: number;
  body?: string;
  error?: string;
}

/** One `GET /ready`, from inside the runner's network namespace when it has one. */
export async function askReady(target: ReadyTarget, options: ReadyProbeOptions = {}): Promise<ReadyAnswer> {
  const timeoutMs = options.requestTimeoutMs ?? 1_000;
  const runner = options.runner;
  if (runner?.netns === undefined) return getReady(target, timeoutMs);
  // The namespace may be gone or the probe may not start: that answers "not ready", with the reason.
  return askReadyInNetns(runner.netns, target, timeoutMs);
}

export function httpReadyProbe(target: ReadyTarget, options: ReadyProbeOptions = {}): () => Promise<ReadyCheck> {
  const url = `http://${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}/ready`;
  return async () => {
    const answer = await askReady(target, options);
    if (answer.error !== undefined) return { ready: false, status: `GET ${url}: ${answer.error}` };
    const body = (answer.body ?? '').trim().slice(0, 100);
    return {
      ready: answer.status === 200,
      status: `GET ${url}: HTTP ${answer.status}${body === '' ? '' : ` ${body}`}`,
    };
  };
}

function getReady(target: ReadyTarget, timeoutMs: number): Promise<ReadyAnswer> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: target.address, port: target.port, path: '/ready', agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ error: error.message }));
  });
}
