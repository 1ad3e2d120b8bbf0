/**
 * The Dataplane protobuf messages (api/mesh/v1alpha1/dataplane.proto, 2.9-2.14) as far as protobuf-JSON
 * decoding needs them: field JSON names, value kinds, and the versions that know a field. kuma-dp silently
 * drops any key not listed here, so this list is also what the unknown-field lint compares against.
 */

import { editDistance } from '../suggest.js';
export type FieldKind =
  | { k: 'string' }
  | { k: 'uint32' }
  | { k: 'bool' }
  | { k: 'duration' }
  /** google.protobuf.UInt32Value: same JSON as uint32, but presence is kept. */
  | { k: 'uint32Value' }
  /** google.protobuf.Struct: anything goes, not looked into. */
  | { k: 'any' }
  | { k: 'enum'; values: readonly string[] }
  | { k: 'message'; msg: MessageSchema }
  | { k: 'list'; of: FieldKind }
  | { k: 'stringMap' };

export interface FieldSchema {
  json: string;
  kind: FieldKind;
  /** First Kuma minor (2.x) whose proto has the field; older kuma-dp ignores it as unknown. */
  since?: number;
  /** Removed from the proto in Kuma 3.0 (UPGRADE.md), so it will be dropped silently after an upgrade. */
  removedIn3?: boolean;
}

export interface MessageSchema {
  name: string;
  fields: readonly FieldSchema[];
}

const string = { k: 'string' } as const;
const uint32 = { k: 'uint32' } as const;
const stringMap = { k: 'stringMap' } as const;
const msg = (m: MessageSchema) => ({ k: 'message', msg: m }) as const;
const list = (of: FieldKind) => ({ k: 'list', of }) as const;
const f = (json: string, kind: FieldKind, extra: Partial<FieldSchema> = {}): FieldSchema => ({ json, kind, ...extra });

const serviceProbe: MessageSchema = {
  name: 'ServiceProbe',
  fields: [
    f('interval', { k: 'duration' }),
    f('timeout', { k: 'duration' }),
    f('unhealthyThreshold', { k: 'uint32Value' }),
    f('healthyThreshold', { k: 'uint32Value' }),
    f('tcp', msg({ name: 'Tcp', fields: [] })),
  ],
};

const inbound: MessageSchema = {
  name: 'Inbound',
  fields: [
    f('port', uint32),
    f('servicePort', uint32),
    f('serviceAddress', string),
    f('address', string),
    f('tags', stringMap),
    f('health', msg({ name: 'Health', fields: [f('ready', { k: 'bool' })] })),
    f('serviceProbe', msg(serviceProbe)),
    f('state', { k: 'enum', values: ['Ready', 'NotReady', 'Ignored'] }),
    f('name', string),
    f('protocol', string, { since: 14 }),
  ],
};

const backendRef: MessageSchema = {
  name: 'BackendRef',
  fields: [f('kind', string), f('name', string), f('port', uint32), f('labels', stringMap)],
};

const outbound: MessageSchema = {
  name: 'Outbound',
  fields: [f('address', string), f('port', uint32), f('tags', stringMap), f('backendRef', msg(backendRef))],
};

const reachableBackendRef: MessageSchema = {
  name: 'ReachableBackendRef',
  fields: [
    f('kind', string),
    f('name', string),
    f('namespace', string),
    f('port', { k: 'uint32Value' }),
    f('labels', stringMap),
  ],
};

export const IP_FAMILY_MODES = ['UnSpecified', 'DualStack', 'IPv4', 'IPv6'] as const;

const transparentProxying: MessageSchema = {
  name: 'TransparentProxying',
  fields: [
    f('redirectPortInbound', uint32),
    f('redirectPortOutbound', uint32),
    f('directAccessServices', list(string)),
    f('reachableServices', list(string), { removedIn3: true }),
    f('ipFamilyMode', { k: 'enum', values: IP_FAMILY_MODES }),
    f('reachableBackends', msg({ name: 'ReachableBackends', fields: [f('refs', list(msg(reachableBackendRef)))] })),
  ],
};

const networking: MessageSchema = {
  name: 'Networking',
  fields: [
    f('address', string),
    f('advertisedAddress', string, { removedIn3: true }),
    f('inbound', list(msg(inbound))),
    f('outbound', list(msg(outbound))),
    f(
      'gateway',
      msg({
        name: 'Gateway',
        fields: [f('tags', stringMap), f('type', { k: 'enum', values: ['DELEGATED', 'BUILTIN'] })],
      }),
    ),
    f('transparentProxying', msg(transparentProxying)),
    f('admin', msg({ name: 'Admin', fields: [f('port', uint32)] })),
  ],
};

const probes: MessageSchema = {
  name: 'Probes',
  fields: [
    f('port', uint32),
    f(
      'endpoints',
      list(msg({ name: 'Endpoint', fields: [f('inboundPort', uint32), f('inboundPath', string), f('path', string)] })),
    ),
  ],
};

/** The spec part of a Universal Dataplane document (the meta keys live beside it at the top level). */
export const DATAPLANE_SCHEMA: MessageSchema = {
  name: 'Dataplane',
  fields: [
    f('networking', msg(networking)),
    f(
      'metrics',
      msg({ name: 'MetricsBackend', fields: [f('name', string), f('type', string), f('conf', { k: 'any' })] }),
    ),
    f('probes', msg(probes)),
  ],
};

/** protobuf-JSON accepts the proto field name too; Kuma's proto names are the snake_case of the JSON names. */
export const snakeCase = (json: string): string => json.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Case-insensitive match first, then the closest name within edit distance 2 (3 for long names). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase().replaceAll('_', '');
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d <= (c.length > 10 ? 3 : 2) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}
