import * as z from 'zod';
import { tproxyConfigFileSchema } from '../tproxy/config-schema.js';
import { fleetFileSchema, groupFileSchema, hostFileSchema } from './schema.js';

/**
 * JSON Schemas of every file a user writes, generated from the zod schemas in input mode (what may be written,
 * defaults optional). Editors validate desired-state files with them through the `$schema` comment on top.
 */
export function jsonSchemas(extra: Record<string, readonly [z.ZodType, string]> = {}): Record<string, string> {
  const entries = {
    ...extra,
    'fleet.schema.json': [fleetFileSchema, 'kuma-gitops fleet.yaml'],
    'group.schema.json': [groupFileSchema, 'kuma-gitops groups/<name>.yaml'],
    'host.schema.json': [hostFileSchema, 'kuma-gitops hosts/<name>.yaml'],
    'tproxy-config.schema.json': [tproxyConfigFileSchema, 'Kuma transparent-proxy config (kumactl --config)'],
  };
  return Object.fromEntries(
    Object.entries(entries)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, [schema, title]]) => {
        const json = { title, ...z.toJSONSchema(schema as z.ZodType, { io: 'input' }) };
        return [name, `${JSON.stringify(json, null, 2)}\n`];
      }),
  );
}
