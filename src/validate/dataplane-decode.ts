import { type DpContext, Path, reportError, reportWarning } from './dataplane-context.js';
import { didYouMean, type FieldKind, type FieldSchema, type MessageSchema, snakeCase } from './dataplane-schema.js';
import { jsonText, type YNode } from './dataplane-yaml.js';

/**
 * protobuf-JSON unmarshalling with unknown fields discarded, as kuma-dp does it (kumahq/kuma
 * app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3 step 5):
 * keys match the JSON or the proto (snake_case) name exactly, `null` leaves a field unset, numbers may be
 * written as JSON strings, strings may not be written as numbers. Type errors are errors (kuma-dp stops);
 * dropped keys are warnings. Error texts follow protojson's; kuma-dp prefixes them with its own context.
 */
export function decodeSpec(
  ctx: DpContext,
  root: YNode,
  schema: MessageSchema,
  isMetaKey: (key: string) => boolean,
): Record<string, unknown> {
  return decodeMessage(ctx, root, schema, Path.root, isMetaKey) ?? {};
}

const UINT32_MAX = 4_294_967_295;
const NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;
const DURATION = /^(-)?(\d+)(\.\d{1,9})?s$/;

function typeError(ctx: DpContext, path: Path, message: string, hint?: string): undefined {
  reportError(ctx, { code: 'dataplane.spec.type', path, message, ...(hint ? { hint } : {}) });
  return undefined;
}

function decodeMessage(
  ctx: DpContext,
  node: YNode,
  schema: MessageSchema,
  path: Path,
  isMetaKey: (key: string) => boolean = () => false,
): Record<string, unknown> | undefined {
  if (node.kind === 'scalar' && node.value === null) return undefined;
  if (node.kind !== 'map') {
    return typeError(ctx, path, `unexpected token ${jsonText(node)}`, `${schema.name} must be a mapping of fields`);
  }
  const out: Record<string, unknown> = {};
  for (const entry of node.entries) {
    const field = schema.fields.find((fs) => fs.json === entry.key || snakeCase(fs.json) === entry.key);
    const fieldPath = path.field(field?.json ?? entry.key);
    ctx.lines.set(fieldPath.toString(), entry.line);
    if (!field || (field.since !== undefined && ctx.version.major === 2 && ctx.version.minor < field.since)) {
      if (!isMetaKey(entry.key)) unknownField(ctx, fieldPath, entry.key, schema, field);
      continue;
    }
    if (field.removedIn3) {
      reportWarning(ctx, {
        code: 'dataplane.spec.removed-in-3',
        path: fieldPath,
        message: `${field.json} is deprecated and removed in Kuma 3.0, where kuma-dp silently ignores it`,
        hint: 'plan its replacement before upgrading to 3.0',
      });
    }
    const value = decodeValue(ctx, entry.value, field, field.kind, fieldPath);
    if (value !== undefined) out[field.json] = value;
  }
  return out;
}

function decodeValue(ctx: DpContext, node: YNode, field: FieldSchema, kind: FieldKind, path: Path): unknown {
  // null means "unset" for every field; inside lists and maps protojson rejects it (decodeElement).
  if (node.kind === 'scalar' && node.value === null) return undefined;
  switch (kind.k) {
    case 'message':
      return decodeMessage(ctx, node, kind.msg, path);
    case 'any':
      return true;
    case 'list': {
      if (node.kind !== 'seq') return typeError(ctx, path, `unexpected token ${jsonText(node)}`, 'write a YAML list');
      const items: unknown[] = [];
      node.items.forEach((item, i) => {
        ctx.lines.set(path.index(i).toString(), item.line);
        const v = decodeElement(ctx, item, field, kind.of, path.index(i));
        if (v !== undefined) items.push(v);
      });
      return items;
    }
    case 'stringMap': {
      if (node.kind !== 'map') return typeError(ctx, path, `unexpected token ${jsonText(node)}`, 'write a mapping');
      const map = new Map<string, string>();
      for (const e of node.entries) {
        ctx.lines.set(path.key(e.key).toString(), e.line);
        const v = decodeElement(ctx, e.value, field, { k: 'string' }, path.key(e.key));
        if (typeof v === 'string') map.set(e.key, v);
      }
      return map;
    }
    default:
      return decodeScalar(ctx, node, field, kind, path);
  }
}

function decodeElement(ctx: DpContext, node: YNode, field: FieldSchema, kind: FieldKind, path: Path): unknown {
  if (node.kind === 'scalar' && node.value === null) {
    return typeError(ctx, path, `invalid value for ${kind.k === 'message' ? 'message' : kind.k} type: null`);
  }
  return decodeValue(ctx, node, field, kind, path);
}

function decodeScalar(ctx: DpContext, node: YNode, field: FieldSchema, kind: FieldKind, path: Path): unknown {
  const v = node.kind === 'scalar' ? node.value : undefined;
  const text = jsonText(node);
  switch (kind.k) {
    case 'string':
      if (typeof v === 'string') return v;
      return typeError(
        ctx,
        path,
        `invalid value for string type: ${text}`,
        `YAML reads this as a ${node.kind === 'scalar' ? typeof v : node.kind}; quote it: "${node.kind === 'scalar' ? String(v) : '...'}"`,
      );
    case 'uint32':
    case 'uint32Value': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && NUMBER_TEXT.test(v) ? Number(v) : Number.NaN;
      if (Number.isInteger(n) && n >= 0 && n <= UINT32_MAX) return n;
      return typeError(ctx, path, `invalid value for uint32 type: ${text}`, 'write a whole number');
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      return typeError(ctx, path, `invalid value for bool type: ${text}`, 'write true or false');
    case 'duration': {
      const m = typeof v === 'string' ? DURATION.exec(v) : null;
      if (m) return (m[1] ? -1 : 1) * Number(`${m[2]}${m[3] ?? ''}`);
      return typeError(
        ctx,
        path,
        `invalid google.protobuf.Duration value ${text}`,
        'write seconds with an "s" suffix, e.g. "10s" or "0.5s"',
      );
    }
    case 'enum':
      return decodeEnum(ctx, v, kind.values, field, path, text);
    default:
      return undefined;
  }
}

function decodeEnum(
  ctx: DpContext,
  v: string | number | boolean | null | undefined,
  values: readonly string[],
  field: FieldSchema,
  path: Path,
  text: string,
): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return values[v] ?? String(v);
  if (typeof v !== 'string') return typeError(ctx, path, `invalid value for enum type: ${text}`);
  if (values.includes(v)) return v;
  const match = values.find((name) => name.toLowerCase() === v.toLowerCase());
  if (!match) {
    return typeError(ctx, path, `invalid value for enum type: ${text}`, `write one of ${values.join(', ')}`);
  }
  // kumahq/kuma pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3 leaves open whether kuma-dp accepts other
  // cases; protobuf-JSON matches enum names exactly.
  reportWarning(ctx, {
    code: 'dataplane.spec.enum-case',
    path,
    message: `${field.json} ${text} is not written as the proto enum name "${match}"; kuma-dp may reject it (protobuf-JSON enum names are case-sensitive)`,
    hint: `write ${match}, as all Kuma examples and test data do`,
  });
  return match;
}

function unknownField(ctx: DpContext, path: Path, key: string, schema: MessageSchema, known?: FieldSchema): void {
  const v = ctx.version;
  if (known) {
    reportWarning(ctx, {
      code: 'dataplane.spec.unknown-field',
      path,
      message: `kuma-dp ${v.major}.${v.minor} ignores unknown field "${key}" (added in Kuma 2.${known.since})`,
      hint: `remove it, or target Kuma 2.${known.since} or later`,
    });
    return;
  }
  const guess = didYouMean(
    key,
    schema.fields.map((fs) => fs.json),
  );
  reportWarning(ctx, {
    code: 'dataplane.spec.unknown-field',
    path,
    message: `kuma-dp ignores unknown field "${key}" in ${schema.name}`,
    hint: guess
      ? `did you mean "${guess}"?`
      : `known fields: ${schema.fields.map((fs) => fs.json).join(', ') || 'none'}`,
  });
}
