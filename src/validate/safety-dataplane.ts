import { error, type Issue, warning } from '../issues.js';
import { atLeast } from '../versions.js';
import type { SafetyInputs } from './safety-inputs.js';

/**
 * The guide's rules linking the Dataplane to the tproxy config: no outbounds in transparent-proxy mode, and the
 * control plane must learn the same redirect ports and IP family that kumactl installs.
 */
export function checkDataplaneAgainstTproxy({ host, tproxy, locateTproxy, dataplane }: SafetyInputs): Issue[] {
  if (!dataplane) return [];
  const issues: Issue[] = [];
  const dp = { file: dataplane.file };
  if (dataplane.hasOutbound) {
    issues.push(
      error({
        code: 'safety.outbound-in-tproxy-mode',
        ...dp,
        line: dataplane.outboundLine,
        path: 'networking.outbound',
        message: 'a Dataplane in transparent-proxy mode must not have networking.outbound',
        hint: 'remove networking.outbound: with the transparent proxy, outbound traffic is captured by iptables',
      }),
    );
  }
  // From 2.11 kuma-dp can send the tproxy file to the CP, which then ignores the Dataplane's ports (kumahq/kuma
  // pkg/transparentproxy/config/dataplane/config_dataplane.go@v2.14.3).
  const portsFromFile = host.kumaDp.passTproxyConfig && atLeast(host.kumaVersion, 2, 11);
  const tp = dataplane.transparentProxying;
  if (!tp && !portsFromFile) {
    issues.push(
      error({
        code: 'safety.no-transparent-proxying',
        ...dp,
        // No such block to point at: point at networking (the address line is in it).
        line: dataplane.address?.line,
        path: 'networking.transparentProxying',
        message:
          'the Dataplane has no networking.transparentProxying, so the control plane will not set up the redirect listeners',
        hint: `add transparentProxying with redirectPortInbound: ${tproxy.redirect.inbound.port} and redirectPortOutbound: ${tproxy.redirect.outbound.port}`,
      }),
    );
  }
  const pairs = [
    ['redirectPortInbound', tp?.redirectPortInbound, tproxy.redirect.inbound.port, ['redirect', 'inbound', 'port']],
    ['redirectPortOutbound', tp?.redirectPortOutbound, tproxy.redirect.outbound.port, ['redirect', 'outbound', 'port']],
  ] as const;
  const lineOf = (field: (typeof pairs)[number][1]) => field?.line ?? tp?.line;
  for (const [field, dpAt, tpPort, tpPath] of pairs) {
    const dpPort = dpAt?.value;
    if (!tp || dpPort === tpPort || (dpPort === undefined && portsFromFile)) continue;
    const src = locateTproxy(tpPath);
    const make = portsFromFile ? warning : error;
    issues.push(
      make({
        code: 'safety.redirect-port-mismatch',
        ...dp,
        line: lineOf(dpAt),
        path: `networking.transparentProxying.${field}`,
        message: `${field} is ${dpPort ?? 'not set'} but the tproxy config redirects to ${tpPort} (${src.file}${src.line ? `:${src.line}` : ''} ${tpPath.join('.')})`,
        hint: portsFromFile
          ? 'kuma-dp passes the tproxy file to the control plane, which ignores this field; make them equal to avoid confusion'
          : `set ${field}: ${tpPort}, or change ${tpPath.join('.')}: the redirected traffic must reach the port Envoy listens on`,
      }),
    );
  }
  if (tp && !portsFromFile) {
    const dpIpv4 = tp.ipFamilyMode?.value.toLowerCase() === 'ipv4';
    const tpIpv4 = tproxy.ipFamilyMode === 'ipv4';
    if (dpIpv4 !== tpIpv4) {
      issues.push(
        warning({
          code: 'safety.ip-family-mismatch',
          ...dp,
          line: tp.ipFamilyMode?.line ?? tp.line,
          path: 'networking.transparentProxying.ipFamilyMode',
          message: tpIpv4
            ? 'the tproxy config is IPv4-only but the Dataplane does not say ipFamilyMode: IPv4'
            : 'the Dataplane says ipFamilyMode: IPv4 but the tproxy config also redirects IPv6',
          hint: 'set IPv4-only in both places: Dataplane ipFamilyMode: IPv4 and tproxy ipFamilyMode: ipv4',
        }),
      );
    }
  }
  return issues;
}
