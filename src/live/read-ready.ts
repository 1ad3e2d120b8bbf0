import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandRunner } from '../system/command-runner.js';
import { ReadyProbeMissingError } from './live-errors.js';
import { type ProbeOutcome, probeReady } from './ready-probe.js';

/**
 * Whether kuma-dp answers `GET /ready` with 200 (REFERENCE §4.3), one attempt per call: the readiness gate that
 * retries lives in the executor. kuma-dp listens inside the host's network namespace, so with a namespace the
 * request is sent from a small Node script started there through the runner.
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
// Start-up of a Node process inside the namespace, on top of the request's own timeout.
const PROBE_START_ALLOWANCE_MS = 10_000;

let probeScript: string | undefined;

/**
 * The compiled probe: next to this module when running from dist/, or in dist/ when this module runs from the
 * TypeScript sources (vitest), which is why tests need `npm run build` first.
 */
export function readyProbeScript(): string {
  if (probeScript !== undefined) return probeScript;
  const candidates = [
    new URL('./ready-probe.js', import.meta.url),
    new URL('../../dist/live/ready-probe.js', import.meta.url),
  ]
    .filter((url) => url.protocol === 'file:')
    .map((url) => fileURLToPath(url));
  probeScript = candidates.find((path) => existsSync(path));
  if (probeScript === undefined) throw new ReadyProbeMissingError(candidates);
  return probeScript;
}

function toResult(outcome: ProbeOutcome): ReadyResult {
  if (outcome.status === 200) return { ready: true, status: 200 };
  if (outcome.status !== undefined) return { ready: false, status: outcome.status, reason: `HTTP ${outcome.status}` };
  return { ready: false, reason: outcome.error ?? 'no answer' };
}

export async function readReady(
  runner: CommandRunner,
  endpoint: ReadyEndpoint,
  options: { timeoutMs?: number } = {},
): Promise<ReadyResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  if (runner.netns === undefined) return toResult(await probeReady(endpoint.address, endpoint.port, timeoutMs));
  const argv = [process.execPath, readyProbeScript(), endpoint.address, String(endpoint.port), String(timeoutMs)];
  try {
    const { stdout } = await runner.run(argv, { timeoutMs: timeoutMs + PROBE_START_ALLOWANCE_MS });
    return toResult(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProbeOutcome);
  } catch (error) {
    return {
      ready: false,
      reason: `readiness probe in network namespace ${runner.netns} failed: ${(error as Error).message}`,
    };
  }
}
