import { type DpContext, errorReporter, type Path, PORT_RANGE } from './dataplane-context.js';
import { validateTags } from './dataplane-tags.js';
import type { Outbound } from './dataplane-types.js';
import { isIP } from './kuma-names.js';

/**
 * networking.outbound[]: either tags with kuma.io/service or a backendRef. The rules are kumahq/kuma
 * pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3's; the
 * exact wording of the backendRef messages is ours (Kuma's are not known to us).
 */
export const BACKEND_KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'] as const;
export const KINDS_TEXT = BACKEND_KINDS.join(', ');

export function validateOutbound(ctx: DpContext, ob: Outbound, path: Path): void {
  const err = errorReporter(ctx, 'dataplane.outbound');
  const port = ob.port ?? 0;
  if (port < 1 || port > 65535) err('port', path.field('port'), PORT_RANGE);
  if (ob.address && !isIP(ob.address)) err('address', path.field('address'), 'address has to be valid IP address');

  const ref = ob.backendRef;
  if (!ref) {
    validateTags(ctx, path.field('tags'), ob.tags, {
      requireService: true,
      checkProtocol: false,
      codePrefix: 'dataplane.outbound',
    });
    return;
  }
  const refPath = path.field('backendRef');
  if (ob.tags && ob.tags.size > 0) {
    err(
      'backend-ref',
      path.field('tags'),
      'tags cannot be defined together with backendRef',
      'use either backendRef or tags',
    );
  }
  const kind = ref.kind ?? '';
  if (!(BACKEND_KINDS as readonly string[]).includes(kind)) {
    err('backend-ref', refPath.field('kind'), `invalid value ${JSON.stringify(kind)}. Allowed values: ${KINDS_TEXT}`);
  }
  if (!ref.name && (ref.labels?.size ?? 0) === 0) {
    err('backend-ref', refPath, 'either name or labels has to be defined');
  }
  const refPort = ref.port ?? 0;
  if (kind !== 'MeshExternalService' && (refPort < 1 || refPort > 65535)) {
    err('backend-ref', refPath.field('port'), PORT_RANGE);
  }
}
