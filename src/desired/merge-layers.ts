import { setOwn } from './keep-proto-keys.js';

/**
 * kumactl's merge rule, used for our own layered files too so there is one rule to learn: objects merge key by key,
 * scalars and lists from a later layer replace earlier ones.
 */
export function mergeLayers<T extends object>(layers: readonly (T | undefined)[]): Partial<T> {
  let out: Record<string, unknown> = {};
  for (const layer of layers) if (layer) out = mergeObject(out, layer as Record<string, unknown>);
  return out as Partial<T>;
}

function mergeObject(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    setOwn(out, key, isPlainObject(prev) && isPlainObject(value) ? mergeObject(prev, value) : value);
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
