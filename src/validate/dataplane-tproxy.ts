import { type DpContext, type Path, reportError, reportWarning } from './dataplane-context.js';
import { BACKEND_KINDS, KINDS_TEXT } from './dataplane-outbound.js';
import type { ReachableBackendRef, TransparentProxying } from './dataplane-types.js';
import { DNS1123_SUBDOMAIN_MESSAGE, isDns1123Subdomain, isIPv4, parseIP } from './kuma-names.js';

/**
 * networking.transparentProxying. Validate() checks only reachableBackends here; the rest are lint warnings for
 * values Kuma accepts but that cannot work.
 */
export function validateTransparentProxying(
  ctx: DpContext,
  tp: TransparentProxying,
  path: Path,
  address: string,
): void {
  for (const field of ['redirectPortInbound', 'redirectPortOutbound'] as const) {
    const port = tp[field];
    // The proto's PGV rule `lte: 65535` is not run by DataplaneResource.Validate (kumahq/kuma
    // pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3).
    if (port !== undefined && port > 65535) {
      reportWarning(ctx, {
        code: 'dataplane.tproxy.port-range',
        path: path.field(field),
        message: `${field} ${port} is above 65535: kuma-dp accepts it, but no port can be redirected to it`,
        hint: 'use the port kumactl redirects to (default 15006 inbound, 15001 outbound)',
      });
    }
  }

  (tp.reachableBackends?.refs ?? []).forEach((ref, i) => {
    validateReachableBackendRef(ctx, ref, path.field('reachableBackends').field('refs').index(i));
  });

  // The CP enables transparent proxying only if ipFamilyMode != ipv4 or the address is IPv4 (kumahq/kuma
  // pkg/transparentproxy/config/dataplane/config_dataplane.go@v2.14.3).
  const ip = parseIP(address);
  if (tp.ipFamilyMode?.toLowerCase() === 'ipv4' && ip && !isIPv4(ip)) {
    reportWarning(ctx, {
      code: 'dataplane.tproxy.ipv4-mode-ipv6-address',
      path: path.field('ipFamilyMode'),
      message: `ipFamilyMode IPv4 with the IPv6 networking.address ${address}: the control plane treats transparent proxying as disabled`,
      hint: 'use an IPv4 networking.address, or ipFamilyMode DualStack',
    });
  }
}

/**
 * reachableBackends.refs[] (kumahq/kuma pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3; message wording
 * ours).
 */
function validateReachableBackendRef(ctx: DpContext, ref: ReachableBackendRef, path: Path): void {
  const err = (at: Path, message: string, hint?: string) =>
    reportError(ctx, { code: 'dataplane.tproxy.reachable-backends', path: at, message, ...(hint ? { hint } : {}) });
  const kind = ref.kind ?? '';
  if (!(BACKEND_KINDS as readonly string[]).includes(kind)) {
    err(path.field('kind'), `invalid value ${JSON.stringify(kind)}. Allowed values: ${KINDS_TEXT}`);
  }
  const hasLabels = (ref.labels?.size ?? 0) > 0;
  const name = ref.name ?? '';
  if (name !== '' && !isDns1123Subdomain(name)) err(path.field('name'), DNS1123_SUBDOMAIN_MESSAGE);
  if (name === '' && !hasLabels) err(path, 'name or labels has to be defined');
  if (ref.namespace && name === '') err(path.field('namespace'), 'namespace can only be defined together with name');
  if (hasLabels && (name !== '' || ref.namespace)) {
    err(
      path.field('labels'),
      'labels cannot be defined together with name or namespace',
      'select by name or by labels, not both',
    );
  }
}
