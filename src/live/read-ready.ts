import { askReady } from '../supervisor/ready-probe.js';
import type { CommandRunner } from '../system/command-runner.js';

/**
 * Whether kuma-dp answers `GET /ready` with 200 (kumahq/kuma app/kuma-dp/pkg/dataplane/readiness/component.go@v2.14.3),
 * one attempt per call: the readiness gate that
 * retries lives in the executor. kuma-dp listens inside the host's network namespace, so with a namespace the
 * request is sent from a Node one-liner started there through the runner (supervisor/ready-probe.ts).
 */
export interface ReadyEndpoint {
  address: string;
  port: number;
}

export interface ReadyResult {
  ready: boolean;
  /** The HTTP status, when kuma-dp answered. */
  status?: number;
  /** Why it is not ready: the status text, a connection error or a timeout. */
  reason?: string;
}

export const DEFAULT_READY_TIMEOUT_MS = 1_000;

export async function readReady(
  runner: CommandRunner,
  endpoint: ReadyEndpoint,
  options: { timeoutMs?: number } = {},
): Promise<ReadyResult> {
  const answer = await askReady(endpoint, { runner, requestTimeoutMs: options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS });
  if (answer.status === 200) return { ready: true, status: 200 };
  if (answer.status !== undefined) return { ready: false, status: answer.status, reason: `HTTP ${answer.status}` };
  return { ready: false, reason: answer.error ?? 'no answer' };
}
