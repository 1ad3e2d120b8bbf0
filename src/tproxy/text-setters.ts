import { parseExecutablesSetting } from './executables.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { parsePort, parsePortList } from './port-values.js';

/**
 * Parsing of one setting given as text, as the Go `Set(string)` methods and strconv calls behind kumactl's
 * flags (pflag) and env vars (envconfig) do it. The error texts are Go's; the callers wrap them the way pflag
 * or envconfig does.
 */

export type SetResult<T> = { ok: true; value: T } | { ok: false; message: string };

const goQuote = (s: string): string => JSON.stringify(s);

/** strconv.ParseBool. */
export function parseGoBool(s: string): SetResult<boolean> {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return { ok: true, value: true };
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return { ok: true, value: false };
  return { ok: false, message: `strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax` };
}

/** strconv.ParseUint(s, 0, bits): base prefixes and `_` separators (with a prefix) allowed. */
export function parseGoUint(s: string, bits: 16 | 64): SetResult<number> {
  const syntax = { ok: false as const, message: `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax` };
  const m = /^(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9][0-9]*)$/.exec(s);
  if (!m) return syntax;
  const clean = s.replaceAll('_', '');
  const value = /^0[0-7]/.test(clean) ? BigInt(`0o${clean.slice(1)}`) : BigInt(clean);
  if (value >= 2n ** BigInt(bits)) {
    return { ok: false, message: `strconv.ParseUint: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value: Number(value) };
}

export function setPort(s: string): SetResult<number> {
  const p = parsePort(s);
  return p.ok ? p : { ok: false, message: p.messages[0]! };
}

/** Ports.Set: replaces the list; kumactl stops at the first bad piece. */
export function setPorts(s: string): SetResult<number[]> {
  const p = parsePortList(s);
  return p.ok ? p : { ok: false, message: p.messages[0]! };
}

/** IPFamilyMode.Set: case-insensitive check, original text kept (`IPv4` then behaves as dualstack). */
export function setIpFamilyMode(s: string): SetResult<string> {
  if (s === '') return { ok: true, value: 'dualstack' };
  return ['dualstack', 'ipv4'].includes(s.toLowerCase())
    ? { ok: true, value: s }
    : { ok: false, message: "must be one of 'dualstack' or 'ipv4'" };
}

/** Executables.Set: `name:path` pairs merged onto what is there. */
export function setExecutables(s: string, current: Record<string, string>): SetResult<Record<string, string>> {
  const r = parseExecutablesSetting(s);
  return r.messages.length > 0
    ? { ok: false, message: r.messages[0]! }
    : { ok: true, value: { ...current, ...r.value } };
}

/**
 * What Go's JSON scanner says about text that is not one JSON value. Only the common shapes are covered
 * (a value followed by junk, or junk at the start); the texts are Go's for those.
 */
export function goJsonSyntaxError(raw: string): string | undefined {
  try {
    JSON.parse(raw);
    return undefined;
  } catch {
    const s = raw.trimStart();
    if (s === '') return 'unexpected end of JSON input';
    const prefix = /^(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)/.exec(s)?.[0];
    if (prefix) {
      const next = s.slice(prefix.length).trimStart()[0];
      if (next !== undefined) return `invalid character '${next}' after top-level value`;
    }
    return `invalid character '${s[0]}' looking for beginning of value`;
  }
}

/**
 * Duration.Set for `--sleep-between-retries`: the raw text goes through the JSON unmarshaller, so `2s` is
 * rejected while `"2s"` (quotes included) or `2000000000` work. Reasoned from code, not run (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3 and utils.go).
 */
export function setDurationJson(raw: string): SetResult<string> {
  const syntax = goJsonSyntaxError(raw);
  if (syntax) return { ok: false, message: syntax };
  const v: unknown = JSON.parse(raw);
  if (typeof v === 'number') return { ok: true, value: formatGoDuration(BigInt(Math.trunc(v))) };
  if (typeof v !== 'string') return { ok: false, message: 'invalid duration' };
  const d = parseGoDuration(v);
  return d.ok ? { ok: true, value: v } : d;
}

/** The env form of a duration: Go time.ParseDuration on the text. */
export function setDurationText(s: string): SetResult<string> {
  const d = parseGoDuration(s);
  return d.ok ? { ok: true, value: s } : d;
}
