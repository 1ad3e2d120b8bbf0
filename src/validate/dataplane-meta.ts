import { type DpContext, Path, reportError, reportWarning } from './dataplane-context.js';
import type { At } from './dataplane-types.js';
import { jsonKind, type YEntry, type YMap, type YNode } from './dataplane-yaml.js';
import {
  DNS1123_SUBDOMAIN_MESSAGE,
  isDns1035Label,
  isDns1123Subdomain,
  MESH_NAME,
  MESH_NAME_MESSAGE,
} from './kuma-names.js';

/**
 * The Universal resource meta (`type`, `name`, `mesh`, `labels`) that kuma-dp reads with encoding/json before
 * the spec: keys match case-insensitively, and `type` selects the resource kind (kumahq/kuma
 * app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3 step 4).
 * Messages for a wrong document shape are kuma-dp's (`invalid meta type`, `invalid resource type`).
 */
const META_KEYS = ['type', 'name', 'mesh', 'labels', 'creationtime', 'modificationtime'];

export const isMetaKey = (key: string): boolean => META_KEYS.includes(key.toLowerCase());

export interface Meta {
  name?: At<string>;
  mesh?: At<string>;
}

/** encoding/json sees the keys sorted (sigs.k8s.io/yaml marshals a Go map) and the last case-insensitive match wins. */
function metaEntry(root: YMap, key: string): YEntry | undefined {
  const matches = root.entries.filter((e) => e.key.toLowerCase() === key).sort((a, b) => (a.key < b.key ? -1 : 1));
  return matches.at(-1);
}

/** Returns the meta when the document is a Dataplane; otherwise reports why kuma-dp rejects it. */
export function checkMeta(ctx: DpContext, root: YNode): Meta | undefined {
  if (root.kind !== 'map' && !(root.kind === 'scalar' && root.value === null)) {
    reportError(ctx, {
      code: 'dataplane.meta.not-a-mapping',
      line: root.line,
      message: `invalid meta type: json: cannot unmarshal ${jsonKind(root)} into Go value of type v1alpha1.ResourceMeta`,
      hint: 'a Dataplane is a YAML mapping with type, name, mesh and networking at the top level',
    });
    return undefined;
  }
  const entries: YMap = root.kind === 'map' ? root : { kind: 'map', line: 1, entries: [] };
  ctx.lines.set('', entries.line);
  const typeEntry = metaEntry(entries, 'type');
  const type =
    typeEntry?.value.kind === 'scalar' && typeEntry.value.value !== null ? String(typeEntry.value.value) : '';
  if (type !== 'Dataplane') {
    const k8s = entries.entries.some((e) => ['kind', 'spec', 'metadata', 'apiVersion'].includes(e.key));
    reportError(ctx, {
      code: 'dataplane.meta.type',
      path: Path.root.field('type'),
      line: typeEntry?.line ?? root.line,
      message: ['ZoneIngress', 'ZoneEgress'].includes(type)
        ? `type must be Dataplane, not ${type}`
        : `invalid resource type ${JSON.stringify(type)}`,
      hint: k8s
        ? 'this looks like a Kubernetes manifest; a Universal Dataplane has type, name, mesh and networking at the top level'
        : 'write "type: Dataplane"',
    });
    return undefined;
  }
  const name = identifier(ctx, entries, 'name', (v) => (isDns1123Subdomain(v) ? undefined : DNS1123_SUBDOMAIN_MESSAGE));
  const mesh = identifier(ctx, entries, 'mesh', (v) => (MESH_NAME.test(v) ? undefined : MESH_NAME_MESSAGE));
  checkLabels(ctx, entries);
  return { ...(name ? { name } : {}), ...(mesh ? { mesh } : {}) };
}

function identifier(
  ctx: DpContext,
  root: YMap,
  key: 'name' | 'mesh',
  pattern: (v: string) => string | undefined,
): At<string> | undefined {
  const entry = metaEntry(root, key);
  const path = Path.root.field(key);
  if (entry) ctx.lines.set(key, entry.line);
  const node = entry?.value;
  if (node && !(node.kind === 'scalar' && (node.value === null || typeof node.value === 'string'))) {
    reportError(ctx, {
      code: `dataplane.meta.${key}`,
      path,
      message: `json: cannot unmarshal ${jsonKind(node)} into Go struct field ResourceMeta.${key} of type string`,
      hint: 'quote the value',
    });
    return undefined;
  }
  const value = node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : '';
  const problem =
    value === '' ? 'cannot be empty' : value.length > 253 ? 'value length must less or equal 253' : pattern(value);
  if (problem) reportError(ctx, { code: `dataplane.meta.${key}`, path, message: problem });
  if (key === 'name' && !problem && !isDns1035Label(value)) {
    const fixed = value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+|-+$/g, '')
      .slice(0, 63);
    reportWarning(ctx, {
      code: 'dataplane.meta.name-not-rfc1035',
      path,
      message: `name "${value}" is not an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters), so no MeshService is generated for it`,
      hint: fixed ? `rename it, e.g. "${fixed}"` : 'rename it to start with a letter',
    });
  }
  return entry ? { value, line: entry.line } : undefined;
}

function checkLabels(ctx: DpContext, root: YMap): void {
  const entry = metaEntry(root, 'labels');
  const node = entry?.value;
  if (!entry || !node || (node.kind === 'scalar' && node.value === null)) return;
  ctx.lines.set('labels', entry.line);
  const path = Path.root.field('labels');
  if (node.kind !== 'map') {
    reportError(ctx, {
      code: 'dataplane.meta.labels',
      path,
      message: `json: cannot unmarshal ${jsonKind(node)} into Go struct field ResourceMeta.labels of type map[string]string`,
    });
    return;
  }
  for (const e of node.entries) {
    if (e.value.kind === 'scalar' && (typeof e.value.value === 'string' || e.value.value === null)) continue;
    reportError(ctx, {
      code: 'dataplane.meta.labels',
      path: path.key(e.key),
      line: e.line,
      message: `json: cannot unmarshal ${jsonKind(e.value)} into Go struct field ResourceMeta.labels of type string`,
      hint: 'quote the value',
    });
  }
}
