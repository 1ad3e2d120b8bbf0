import { KumaGitopsError } from '../errors.js';
import { parseGoDuration as parseGoDurationNs } from '../tproxy/go-duration.js';

/**
 * How long to give kuma-dp to stop. On SIGTERM it drains for `--drain-time` (default 30s; KUMA_DATAPLANE_DRAIN_TIME
 * wins over the flag, kumahq/kuma app/kuma-dp/cmd/run.go@v2.14.3); a stop timeout shorter than that SIGKILLs it
 * mid-drain and drops connections.
 */
export const DEFAULT_DRAIN_MS = 30_000;
/** Headroom on top of the drain for Envoy's and kuma-dp's own shutdown. */
export const STOP_MARGIN_MS = 15_000;

/** Go's time.ParseDuration (`1m30s`, `500ms`, `0`) in milliseconds, with the kumactl-faithful parser of tproxy/. */
export function parseGoDuration(text: string): number {
  const parsed = parseGoDurationNs(text);
  if (!parsed.ok) {
    throw new KumaGitopsError(
      'kuma-dp.drain-time-invalid',
      `kuma-dp drain time ${JSON.stringify(text)} is not a Go duration: write it like 30s, 1m30s or 500ms`,
      { value: text },
    );
  }
  return Number(parsed.nanoseconds) / 1e6;
}

/** The drain time kuma-dp will use for this command line and environment. */
export function drainTimeMs(argv: readonly string[], env: Readonly<Record<string, string>>): number {
  const fromEnv = env.KUMA_DATAPLANE_DRAIN_TIME;
  if (fromEnv !== undefined) return parseGoDuration(fromEnv);
  // pflag: `--drain-time=30s` or `--drain-time 30s`; the last one wins.
  let fromFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--drain-time=')) fromFlag = arg.slice('--drain-time='.length);
    else if (arg === '--drain-time' && i + 1 < argv.length) fromFlag = argv[++i];
  }
  return fromFlag === undefined ? DEFAULT_DRAIN_MS : parseGoDuration(fromFlag);
}

/** The stop timeout for a kuma-dp started this way: its drain time plus a margin (30s drain -> 45s). */
export function stopTimeoutMs(argv: readonly string[], env: Readonly<Record<string, string>>): number {
  return Math.max(0, drainTimeMs(argv, env)) + STOP_MARGIN_MS;
}
