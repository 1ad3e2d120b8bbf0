import type { GoNode } from './yaml-go-tree.js';

/**
 * Go `time.ParseDuration` and `Duration.String`, for `retry.sleepBetweenRetries` (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3 and utils.go).
 */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n, // U+00B5
  μs: 1000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = 2n ** 63n - 1n;

export type DurationResult = { ok: true; nanoseconds: bigint } | { ok: false; message: string };

export function parseGoDuration(orig: string): DurationResult {
  const invalid = { ok: false as const, message: `time: invalid duration "${orig}"` };
  let s = orig;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanoseconds: 0n };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === '')) return invalid;
    s = s.slice(m?.[0].length ?? 0);
    const unitText = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unitText === '') return { ok: false, message: `time: missing unit in duration "${orig}"` };
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) return { ok: false, message: `time: unknown unit "${unitText}" in duration "${orig}"` };
    let v = BigInt(whole || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX + (negative ? 1n : 0n)) return invalid;
  }
  return { ok: true, nanoseconds: negative ? -total : total };
}

function fraction(v: bigint, precision: number): [string, bigint] {
  let digits = '';
  let printed = false;
  for (let i = 0; i < precision; i++) {
    const d = v % 10n;
    printed ||= d !== 0n;
    if (printed) digits = `${d}${digits}`;
    v /= 10n;
  }
  return [printed ? `.${digits}` : '', v];
}

/** Go `time.Duration.String()`, e.g. `2s`, `1m30s`, `1.5ms`. */
export function formatGoDuration(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  let u = ns < 0n ? -ns : ns;
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    const [prec, unit] = u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [frac, whole] = fraction(u, prec);
    return `${sign}${whole}${frac}${unit}`;
  }
  const [frac, secondsTotal] = fraction(u, 9);
  u = secondsTotal;
  let out = `${u % 60n}${frac}s`;
  u /= 60n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return `${sign}${out}`;
}

/**
 * Kuma's `types.Duration` from JSON: a duration string, or a number of nanoseconds. Anything else (null
 * included, reasoned from encoding/json) fails with `invalid duration`. Strings are kept as written.
 */
export function decodeDurationNode(node: GoNode): { ok: true; value: string } | { ok: false; message: string } {
  if (node.kind === 'string') {
    const p = parseGoDuration(node.value);
    return p.ok ? { ok: true, value: node.value } : p;
  }
  if ((node.kind === 'int' || node.kind === 'float') && Number.isFinite(node.value)) {
    return { ok: true, value: formatGoDuration(BigInt(Math.trunc(node.value))) };
  }
  return { ok: false, message: 'invalid duration' };
}
