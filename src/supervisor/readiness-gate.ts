import pRetry, { AbortError } from 'p-retry';
import { KumaGitopsError } from '../errors.js';
import { type LogExcerpt, withExcerpt } from './log-excerpt.js';

/**
 * No redirect before kuma-dp answers ready (kuma.io docs, "Integrating Transparent Proxy into Your Service
 * Environment": rules without a listening kuma-dp cut the host off, SSH
 * and DNS included). Polls a probe until it says ready, the time is up, or the process is found dead: a crash must
 * not wait the full timeout.
 */
export interface ReadyCheck {
  ready: boolean;
  /** What the probe saw, for the error: `HTTP 503 NOT_READY`, `connect ECONNREFUSED 127.0.0.1:9902`, ... */
  status: string;
}

/** A probe answers a boolean or a ReadyCheck; a throw counts as not ready, its message as the status. */
export type ReadyProbe = () => Promise<boolean | ReadyCheck>;

export interface ReadinessGateOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Between two probes (default 500 ms). */
  intervalMs?: number;
  /** Asked after each failed probe; false ends the wait at once with `kuma-dp.exited`. */
  isAlive?: () => Promise<boolean>;
  /** Names what is waited for in errors (default `kuma-dp`), e.g. `kuma-dp of host web-1`. */
  subject?: string;
  /** Called after each failed attempt, for logs. */
  onNotReady?: (attempt: { attemptNumber: number; status: string; elapsedMs: number }) => void;
  /** Where kuma-dp's log is and how it ends: quoted in the error, so that it says why kuma-dp stopped. */
  logExcerpt?: () => Promise<LogExcerpt>;
}

export interface NotReadyData {
  waitedMs: number;
  attempts: number;
  lastStatus: string;
  /** Where kuma-dp's log is, and its last lines (sanitized), when the supervisor could say. */
  log?: LogExcerpt;
  [key: string]: unknown;
}

/** kuma-dp stayed unready until the timeout. */
export class KumaDpNotReadyError extends KumaGitopsError {
  declare readonly data: NotReadyData;
  constructor(subject: string, data: NotReadyData) {
    const waited = `${subject} was not ready after ${data.waitedMs} ms (${data.attempts} attempts, last: ${data.lastStatus})`;
    super(
      'kuma-dp.not-ready',
      data.log === undefined
        ? `${waited}: check its log, the control plane address and token, or raise the ready timeout`
        : withExcerpt(`${waited}: check the control plane address and token, or raise the ready timeout`, data.log),
      data,
    );
    this.name = 'KumaDpNotReadyError';
  }
}

/** kuma-dp died while being waited for. */
export class KumaDpExitedError extends KumaGitopsError {
  declare readonly data: NotReadyData;
  constructor(subject: string, data: NotReadyData) {
    const exited = `${subject} exited after ${data.waitedMs} ms before it was ready (last: ${data.lastStatus})`;
    super(
      'kuma-dp.exited',
      data.log === undefined ? `${exited}: check its log for the error it stopped on` : withExcerpt(exited, data.log),
      data,
    );
    this.name = 'KumaDpExitedError';
  }
}

class NotYet extends Error {}

export async function waitUntilReady(probe: ReadyProbe, options: ReadinessGateOptions = {}): Promise<void> {
  const { timeoutMs = 60_000, intervalMs = 500, isAlive, subject = 'kuma-dp', onNotReady, logExcerpt } = options;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let attempts = 0;
  let lastStatus = 'not probed';
  // A log that cannot be read leaves the message as it was, never hides the readiness error.
  const excerpt = async (): Promise<{ log?: LogExcerpt }> =>
    logExcerpt === undefined
      ? {}
      : logExcerpt().then(
          (log) => ({ log }),
          () => ({}),
        );

  const attempt = async () => {
    attempts++;
    const check = await probe().then(asCheck, (error: Error) => ({ ready: false, status: error.message }));
    if (check.ready) return;
    lastStatus = check.status;
    const alive = await (isAlive ?? (async () => true))().catch((error: Error) => {
      throw new AbortError(error); // a broken liveness check must surface, not be retried for a minute
    });
    if (!alive) {
      const waitedMs = elapsed();
      const log = await excerpt();
      throw new AbortError(new KumaDpExitedError(subject, { waitedMs, attempts, lastStatus, ...log }));
    }
    throw new NotYet(lastStatus);
  };
  try {
    await pRetry(attempt, {
      // Constant interval; the time budget is what ends it, the retry count only bounds it.
      retries: Math.ceil(timeoutMs / Math.max(1, intervalMs)) + 1,
      maxRetryTime: timeoutMs,
      minTimeout: intervalMs,
      factor: 1,
      randomize: false,
      onFailedAttempt: ({ error, attemptNumber }) =>
        onNotReady?.({ attemptNumber, status: error.message, elapsedMs: elapsed() }),
    });
  } catch (error) {
    if (error instanceof NotYet) {
      const waitedMs = elapsed();
      throw new KumaDpNotReadyError(subject, { waitedMs, attempts, lastStatus, ...(await excerpt()) });
    }
    throw error;
  }
}

const asCheck = (answer: boolean | ReadyCheck): ReadyCheck =>
  typeof answer === 'boolean' ? { ready: answer, status: answer ? 'ready' : 'not ready' } : answer;
