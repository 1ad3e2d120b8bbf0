import { atLeast } from '../versions.js';
import { type DpContext, errorReporter, type Path, PORT_RANGE, reportWarning } from './dataplane-context.js';
import {
  invalidProtocolMessage,
  isSupportedProtocol,
  SERVICE_TAG,
  SUPPORTED_PROTOCOLS,
  validateTags,
} from './dataplane-tags.js';
import type { Inbound, ServiceProbe } from './dataplane-types.js';
import { isDns1035Label, isIP } from './kuma-names.js';

/** validateInbound of Kuma's dataplane_validator.go, with the 2.14 tag and `protocol` changes. */
export function validateInbound(ctx: DpContext, ib: Inbound, path: Path, dpAddress: string): void {
  const port = ib.port ?? 0;
  const servicePort = ib.servicePort ?? 0;
  const serviceAddress = ib.serviceAddress ?? '';
  const address = ib.address ?? '';
  const err = errorReporter(ctx, 'dataplane.inbound');

  if (port < 1 || port > 65535) err('port', path.field('port'), PORT_RANGE);
  // servicePort 0 means "same as port".
  if (servicePort > 65535) err('service-port', path.field('servicePort'), PORT_RANGE);
  if (serviceAddress !== '' && !isIP(serviceAddress)) {
    err('service-address', path.field('serviceAddress'), 'serviceAddress has to be valid IP address');
  }
  if (address !== '' && !isIP(address)) err('address', path.field('address'), 'address has to be valid IP address');
  if (
    serviceAddress !== '' &&
    (serviceAddress === dpAddress || serviceAddress === address) &&
    (servicePort === 0 || servicePort === port)
  ) {
    err(
      'service-address',
      path.field('serviceAddress'),
      'serviceAddress and servicePort has to differ from address and port',
      'Envoy listens on address:port, so the application needs its own address or servicePort',
    );
  }

  const tags = ib.tags ?? new Map<string, string>();
  // 2.14 dropped the mandatory kuma.io/service tag for inbounds without any tags.
  const requireService = !atLeast(ctx.version, 2, 14) || tags.size > 0;
  validateTags(ctx, path.field('tags'), ib.tags, {
    requireService,
    checkProtocol: true,
    codePrefix: 'dataplane.inbound',
  });

  if (ib.protocol !== undefined && ib.protocol !== '' && !isSupportedProtocol(ib.protocol)) {
    err(
      'protocol',
      path.field('protocol'),
      invalidProtocolMessage('protocol', ib.protocol),
      `write one of ${SUPPORTED_PROTOCOLS.join(', ')}`,
    );
  }
  if (ib.serviceProbe) validateServiceProbe(ctx, ib.serviceProbe, path.field('serviceProbe'));

  const service = tags.get(SERVICE_TAG);
  if (service && /^[a-zA-Z0-9.\-_:]+$/.test(service) && !isDns1035Label(service)) {
    reportWarning(ctx, {
      code: 'dataplane.inbound.service-not-rfc1035',
      path: path.field('tags').key(SERVICE_TAG),
      message: `${SERVICE_TAG} "${service}" is not an RFC 1035 label, so Kuma generates no MeshService for it`,
      hint: "use lowercase letters, digits and '-', starting with a letter, at most 63 characters",
    });
  }
}

function validateServiceProbe(ctx: DpContext, probe: ServiceProbe, path: Path): void {
  const err = errorReporter(ctx, 'dataplane.inbound');
  const positive = (field: keyof ServiceProbe, ok: (v: number) => boolean) => {
    const v = probe[field];
    if (v !== undefined && !ok(v)) err('service-probe', path.field(field), 'must have a positive value');
  };
  positive('interval', (v) => v > 0);
  positive('timeout', (v) => v > 0);
  positive('unhealthyThreshold', (v) => v !== 0);
  positive('healthyThreshold', (v) => v !== 0);
}
