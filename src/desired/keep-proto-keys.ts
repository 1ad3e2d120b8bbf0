/**
 * zod drops an own `__proto__` key from a parsed record (its guard against prototype pollution), where Go keeps every
 * map key: kuma-dp takes `--dataplane-var=__proto__=x` and renders `{{__proto__}}` as `x`. A record the author wrote
 * with that key would lose it silently, and the template lint would then call the var missing. Strict objects still
 * refuse the key as unknown, so only records need it put back.
 */
import * as z from 'zod';
import { unwrapSchema } from './schema-keys.js';

const PROTO = '__proto__';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Set `key` as an own data property, also when it is `__proto__` (plain assignment would set the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === PROTO)
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * schema.safeParse, with the `__proto__` keys of records kept: validated by the record's value schema and put back
 * as own keys. `mayHaveProto` lets callers skip the walk when the file's text has no such key.
 */
export function safeParseKeepingProto<T>(
  schema: z.ZodType<T>,
  data: unknown,
  mayHaveProto: boolean,
): ReturnType<z.ZodType<T>['safeParse']> {
  const parsed = schema.safeParse(data);
  if (!mayHaveProto) return parsed;
  const issues: z.core.$ZodIssue[] = [];
  const walk = (s: z.ZodType | undefined, raw: unknown, out: unknown, path: PropertyKey[]): void => {
    const type = unwrapSchema(s);
    if (type instanceof z.ZodArray && Array.isArray(raw)) {
      for (const [i, item] of raw.entries()) {
        walk(type.element as z.ZodType, item, Array.isArray(out) ? out[i] : undefined, [...path, i]);
      }
    } else if (type instanceof z.ZodObject && isPlainObject(raw)) {
      for (const [key, child] of Object.entries(type.shape as Record<string, z.ZodType>)) {
        if (Object.hasOwn(raw, key)) walk(child, raw[key], isPlainObject(out) ? out[key] : undefined, [...path, key]);
      }
    } else if (type instanceof z.ZodRecord && isPlainObject(raw)) {
      const valueType = type.valueType as z.ZodType;
      for (const key of Object.keys(raw)) {
        if (key !== PROTO) walk(valueType, raw[key], isPlainObject(out) ? out[key] : undefined, [...path, key]);
      }
      if (!Object.hasOwn(raw, PROTO)) return;
      const value = valueType.safeParse(raw[PROTO]);
      if (!value.success) {
        for (const issue of value.error.issues) issues.push({ ...issue, path: [...path, PROTO, ...issue.path] });
      } else if (isPlainObject(out)) setOwn(out, PROTO, value.data);
    }
  };
  walk(schema, data, parsed.success ? parsed.data : undefined, []);
  if (issues.length === 0) return parsed;
  const all = parsed.success ? issues : [...parsed.error.issues, ...issues];
  return { success: false, error: new z.ZodError(all), data: undefined } as ReturnType<z.ZodType<T>['safeParse']>;
}
