import { KumaGitopsError } from '../errors.js';

/**
 * How long to give kuma-dp to stop. On SIGTERM it drains for `--drain-time` (default 30s; KUMA_DATAPLANE_DRAIN_TIME
 * wins over the flag, REFERENCE §4.1); a stop timeout shorter than that SIGKILLs it mid-drain and drops connections.
 */
export const DEFAULT_DRAIN_MS = 30_000;
/** Headroom on top of the drain for Envoy's and kuma-dp's own shutdown. */
export const STOP_MARGIN_MS = 15_000;

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Go's time.ParseDuration (`1m30s`, `500ms`, `0`), in milliseconds. */
export function parseGoDuration(text: string): number {
  const invalid = () =>
    new KumaGitopsError(
      'kuma-dp.drain-time-invalid',
      `kuma-dp drain time ${JSON.stringify(text)} is not a Go duration: write it like 30s, 1m30s or 500ms`,
      { value: text },
    );
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') throw invalid();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const start = PART.lastIndex;
    const match = PART.exec(body);
    if (match === null || match.index !== start) throw invalid();
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return sign * total;
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
