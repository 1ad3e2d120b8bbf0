/**
 * How kuma-dp turns repeated `--dataplane-var` flags into template data (kumahq/kuma app/kuma-dp/cmd/dataplane.go and
 * pkg/util/template/render.go@v2.14.3): pflag v1.0.10
 * StringToString `Set`, then Kuma's render.go nesting of dotted keys.
 */
import { readGoCsvRecord } from './go-csv.js';
import type { MustacheData } from './mustache.js';

/** pflag stringToStringValue.Set for one flag value: the pairs it sets, or the error cobra reports. */
export function parseDataplaneVarFlag(value: string): { pairs: Array<[string, string]> } | { error: string } {
  const equals = value.split('=').length - 1;
  let items: string[];
  if (equals === 0) return { error: `${value} must be formatted as key=value` };
  if (equals === 1) {
    items = [value.replace(/^"+|"+$/g, '')]; // strings.Trim(val, `"`): the whole k=v, both ends
  } else {
    const csv = readGoCsvRecord(value);
    if (!csv.ok) return { error: csv.error };
    items = csv.record;
  }
  const pairs: Array<[string, string]> = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) return { error: `${item} must be formatted as key=value` };
    pairs.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return { pairs };
}

export interface DataplaneVarFlags {
  /** Keys in the order of their last assignment; a later flag wins. */
  readonly vars: Map<string, string>;
  /** One per rejected flag value. kuma-dp stops at the first (`invalid argument ... for "-v, --dataplane-var"`). */
  readonly errors: string[];
}

/** Every `--dataplane-var` value in argv order. A rejected value sets nothing, as pflag builds a map before merging. */
export function parseDataplaneVarFlags(values: readonly string[]): DataplaneVarFlags {
  const vars = new Map<string, string>();
  const errors: string[] = [];
  for (const value of values) {
    const r = parseDataplaneVarFlag(value);
    if ('error' in r) {
      errors.push(r.error);
      continue;
    }
    for (const [k, v] of r.pairs) {
      vars.delete(k);
      vars.set(k, v);
    }
  }
  return { vars, errors };
}

export interface DottedKeyCollision {
  /** The shared first segment. */
  readonly key: string;
  /** The colliding var names in insertion order; kuma-dp keeps one of them at random, we keep the last. */
  readonly vars: string[];
}

/**
 * Kuma's render.go: `a.b.c=v` becomes {a:{b:{c:v}}}, copied SHALLOWLY into the root (maps.Copy per var), so vars
 * sharing a first segment overwrite each other in Go map order. We keep the last and report the collision.
 */
export function nestDataplaneVars(vars: ReadonlyMap<string, string>): {
  data: MustacheData;
  collisions: DottedKeyCollision[];
} {
  // Null-prototype objects so keys like `__proto__` stay plain keys.
  const data: Record<string, string | MustacheData> = Object.create(null);
  const byFirst = new Map<string, string[]>();
  for (const [key, value] of vars) {
    const parts = key.split('.');
    let nested: string | MustacheData = value;
    for (const part of parts.slice(1).reverse()) {
      const m: Record<string, string | MustacheData> = Object.create(null);
      m[part] = nested;
      nested = m;
    }
    const first = parts[0]!;
    data[first] = nested;
    byFirst.set(first, [...(byFirst.get(first) ?? []), key]);
  }
  const collisions = [...byFirst].filter(([, keys]) => keys.length > 1).map(([key, keys]) => ({ key, vars: keys }));
  return { data, collisions };
}

/** The argv element for one var. pflag takes everything after the first '=' of a long flag as its value. */
export const dataplaneVarFlag = (key: string, value: string): string => `--dataplane-var=${key}=${value}`;

export interface VarFlagDivergence {
  readonly key: string;
  readonly value: string;
  readonly flag: string;
  /** rejected: kuma-dp refuses to start; csv-split: 2+ '=' made it a CSV record; quotes-trimmed: `"` cut off. */
  readonly reason: 'rejected' | 'csv-split' | 'quotes-trimmed';
  /** What this flag sets in kuma-dp (empty when rejected). */
  readonly pairs: Array<[string, string]>;
  readonly error?: string;
}

/** Run our own argv for `intended` through pflag to see what kuma-dp gets, and where that differs. */
export function effectiveVars(intended: Readonly<Record<string, string>>): DataplaneVarFlags & {
  divergences: VarFlagDivergence[];
} {
  const divergences: VarFlagDivergence[] = [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(intended)) {
    const flag = dataplaneVarFlag(key, value);
    const flagValue = flag.slice('--dataplane-var='.length);
    values.push(flagValue);
    const r = parseDataplaneVarFlag(flagValue);
    if ('error' in r) {
      divergences.push({ key, value, flag, reason: 'rejected', pairs: [], error: r.error });
    } else if (r.pairs.length !== 1 || r.pairs[0]![0] !== key || r.pairs[0]![1] !== value) {
      const reason = flagValue.split('=').length > 2 ? 'csv-split' : 'quotes-trimmed';
      divergences.push({ key, value, flag, reason, pairs: r.pairs });
    }
  }
  return { ...parseDataplaneVarFlags(values), divergences };
}
