import { atLeast } from '../versions.js';
import { type DpContext, errorReporter, Path, PORT_RANGE, reportError, reportWarning } from './dataplane-context.js';
import { validateInbound } from './dataplane-inbound.js';
import { validateOutbound } from './dataplane-outbound.js';
import { validateTags } from './dataplane-tags.js';
import { validateTransparentProxying } from './dataplane-tproxy.js';
import type { DataplaneSpec, Networking, Probes } from './dataplane-types.js';
import { type IpBytes, ipEqual, isGovalidatorDNSName, isLoopbackIP, isUnspecifiedIP, parseIP } from './kuma-names.js';

/** DataplaneResource.Validate() (dataplane_validator.go) for the sidecar and gateway shapes. */
export function validateDataplaneSpec(ctx: DpContext, spec: DataplaneSpec): void {
  const root = Path.root.field('networking');
  const err = errorReporter(ctx, 'dataplane');
  const net = spec.networking;
  if (!net) {
    err('networking.missing', root, 'must be defined', 'add networking.address and networking.inbound');
    return;
  }
  validateAdmin(ctx, net, root);
  const inbounds = net.inbound ?? [];
  const gateway = net.gateway;
  const builtin = gateway?.type === 'BUILTIN';
  if (gateway) {
    const kind = builtin ? 'builtin' : 'delegated';
    if (inbounds.length > 0) err('gateway', root.field('inbound'), `inbound cannot be defined for ${kind} gateways`);
    if (builtin && (net.outbound ?? []).length > 0) {
      err('gateway', root.field('outbound'), 'outbound cannot be defined for builtin gateways');
    }
    if (builtin && net.transparentProxying) {
      err('gateway', root.field('transparentProxying'), 'transparentProxying cannot be defined for builtin gateways');
    }
    if (builtin && spec.probes)
      err('gateway', Path.root.field('probes'), 'probes cannot be defined for builtin gateways');
    validateTags(ctx, root.field('gateway').field('tags'), gateway.tags, {
      requireService: true,
      checkProtocol: false,
      codePrefix: 'dataplane.gateway',
    });
  } else if (inbounds.length === 0 && !atLeast(ctx.version, 2, 14)) {
    // 2.14 dropped this rule (kumahq/kuma pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3).
    err(
      'inbound.missing',
      root,
      'has to contain at least one inbound interface or gateway',
      'add networking.inbound with the port the application listens on',
    );
  }

  validateAddress(ctx, net.address ?? '', root.field('address'));
  for (const [i, ib] of inbounds.entries()) {
    validateInbound(ctx, ib, root.field('inbound').index(i), net.address ?? '');
  }
  for (const [i, ob] of (net.outbound ?? []).entries()) validateOutbound(ctx, ob, root.field('outbound').index(i));
  if (net.transparentProxying) {
    validateTransparentProxying(ctx, net.transparentProxying, root.field('transparentProxying'), net.address ?? '');
  }
  if (spec.probes && !builtin) validateProbes(ctx, spec.probes);
}

function validateAddress(ctx: DpContext, address: string, path: Path): void {
  if (address === '') {
    reportError(ctx, {
      code: 'dataplane.address.empty',
      path,
      message: "address can't be empty",
      hint: 'set the IP or DNS name other proxies reach this host at (an unset template variable renders as empty)',
    });
    return;
  }
  const ip = parseIP(address);
  if (ip && isUnspecifiedIP(ip)) {
    reportError(ctx, { code: 'dataplane.address.unspecified', path, message: 'must not be 0.0.0.0 or ::' });
  }
  if (!ip && !isGovalidatorDNSName(address)) {
    reportError(ctx, {
      code: 'dataplane.address.invalid',
      path,
      message: 'address has to be valid IP address or domain name',
    });
  }
  if ((ip && isLoopbackIP(ip)) || address.toLowerCase() === 'localhost') {
    reportWarning(ctx, {
      code: 'dataplane.address.loopback',
      path,
      message: `address ${address} is a loopback address: other proxies in the mesh cannot reach this Dataplane`,
      hint: "use the host's address on the network other services connect from",
    });
  }
  if (!ip && /^\d+\.\d+\.\d+\.\d+$/.test(address)) {
    // govalidator accepts it as a domain name, so Kuma does too; it is almost certainly a typo.
    reportWarning(ctx, {
      code: 'dataplane.address.not-an-ip',
      path,
      message: `address ${address} looks like an IPv4 address but is not one; Kuma treats it as a DNS name`,
    });
  }
}

const LOCALHOST: IpBytes = parseIP('127.0.0.1')!;
/** overlap() of dataplane_helpers.go: same port, and the address is a wildcard or exactly 127.0.0.1. */
const onLocalhost = (address: string): boolean => {
  const ip = parseIP(address);
  return ip !== undefined && (isUnspecifiedIP(ip) || ipEqual(ip, LOCALHOST));
};

/** UsesInboundInterface / UsesOutboundInterface against 127.0.0.1:admin.port. */
function validateAdmin(ctx: DpContext, net: Networking, root: Path): void {
  if (!net.admin) return;
  const port = net.admin.port ?? 0;
  const path = root.field('admin').field('port');
  const inboundClash = (net.inbound ?? []).some((ib) => {
    const workloadPort = ib.servicePort || ib.port;
    return (
      (ib.port === port && onLocalhost(ib.address || net.address || '')) ||
      (workloadPort === port && onLocalhost(ib.serviceAddress || '127.0.0.1'))
    );
  });
  const outboundClash = (net.outbound ?? []).some((ob) => ob.port === port && onLocalhost(ob.address || '127.0.0.1'));
  const hint = 'the Envoy admin listens on 127.0.0.1:admin.port; pick a port no inbound or outbound uses';
  if (inboundClash) reportError(ctx, { code: 'dataplane.admin.port', path, message: 'must differ from inbound', hint });
  if (outboundClash)
    reportError(ctx, { code: 'dataplane.admin.port', path, message: 'must differ from outbound', hint });
}

/** validateProbes: virtual probes need valid ports and request paths (wording of the path message inferred). */
function validateProbes(ctx: DpContext, probes: Probes): void {
  const root = Path.root.field('probes');
  const port = (v: number | undefined, at: Path) => {
    if (!v || v > 65535) {
      reportError(ctx, { code: 'dataplane.probes', path: at, message: PORT_RANGE });
    }
  };
  const requestPath = (v: string | undefined, at: Path) => {
    if (!/^(\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(v ?? '')) {
      reportError(ctx, { code: 'dataplane.probes', path: at, message: 'should be a valid URL Path' });
    }
  };
  port(probes.port, root.field('port'));
  (probes.endpoints ?? []).forEach((e, i) => {
    const at = root.field('endpoints').index(i);
    port(e.inboundPort, at.field('inboundPort'));
    requestPath(e.inboundPath, at.field('inboundPath'));
    requestPath(e.path, at.field('path'));
  });
}
