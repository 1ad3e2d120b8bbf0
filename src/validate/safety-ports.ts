import { locateSetting } from '../desired/desired-host.js';
import { error, type Issue } from '../issues.js';
import type { SafetyInputs } from './safety-inputs.js';

/** SSH stays reachable while kuma-dp is down, and no two listeners on the host want the same port. */
export function checkPorts({ host, tproxy, locateTproxy, dataplane, kumaDp }: SafetyInputs): Issue[] {
  const issues: Issue[] = [];
  const inbound = tproxy.redirect.inbound;
  const ssh = host.safety.sshPort;
  if (inbound.enabled && !host.safety.allowSshRedirect) {
    const include = inbound.includePorts.length > 0;
    const redirected = include ? inbound.includePorts.includes(ssh) : !inbound.excludePorts.includes(ssh);
    if (redirected) {
      const path = ['redirect', 'inbound', include ? 'includePorts' : 'excludePorts'];
      issues.push(
        error({
          code: 'safety.ssh-redirected',
          ...locateTproxy(path),
          path: path.join('.'),
          message: include
            ? `inbound includePorts redirects SSH (port ${ssh}) into the mesh`
            : `SSH (port ${ssh}) is not in redirect.inbound.excludePorts: while kuma-dp is down, SSH to this host is dropped`,
          hint: include
            ? `remove ${ssh} from includePorts`
            : `add ${ssh} to redirect.inbound.excludePorts (the guide's --exclude-inbound-ports "22"), or set safety.allowSshRedirect: true if the host is managed another way`,
        }),
      );
    }
  }

  // Every listener of kuma-dp, Envoy and the service, with where it was configured.
  const listeners: { port: number; what: string; file: string; line?: number }[] = [];
  const add = (port: number | undefined, what: string, where: { file: string; line?: number }) => {
    if (port !== undefined) listeners.push({ port, what, ...where });
  };
  if (inbound.enabled)
    add(inbound.port, 'inbound redirect port (redirect.inbound.port)', locateTproxy(['redirect', 'inbound', 'port']));
  if (tproxy.redirect.outbound.enabled) {
    add(
      tproxy.redirect.outbound.port,
      'outbound redirect port (redirect.outbound.port)',
      locateTproxy(['redirect', 'outbound', 'port']),
    );
  }
  if (kumaDp.effective.dnsEnabled) {
    add(kumaDp.effective.dnsPort, "kuma-dp's DNS port", locateSetting(host, ['kumaDp', 'dns', 'corednsPort']));
    add(
      kumaDp.effective.envoyDnsPort,
      "Envoy's DNS port (kumaDp.dns.envoyPort)",
      locateSetting(host, ['kumaDp', 'dns', 'envoyPort']),
    );
  }
  add(
    kumaDp.effective.readinessPort,
    "kuma-dp's readiness port (KUMA_READINESS_PORT)",
    locateSetting(host, ['kumaDp', 'readinessPort']),
  );
  const dpFile = { file: dataplane?.file ?? host.file, line: dataplane?.adminPort?.line };
  add(dataplane?.adminPort?.value ?? 9901, "Envoy's admin port (networking.admin.port, default 9901)", dpFile);
  for (const [i, port] of host.service.ports.entries()) {
    add(port, 'a service port (service.ports)', locateSetting(host, ['service', 'ports', i]));
  }

  const seen = new Map<number, (typeof listeners)[number]>();
  for (const l of listeners) {
    const first = seen.get(l.port);
    if (!first) {
      seen.set(l.port, l);
      continue;
    }
    if (first.what === l.what) continue; // e.g. a service port listed twice
    issues.push(
      error({
        code: 'safety.port-collision',
        file: l.file,
        line: l.line,
        message: `port ${l.port} is both ${first.what} (${first.file}${first.line ? `:${first.line}` : ''}) and ${l.what}`,
        hint: 'give each listener its own port; a redirect port shared with a service sends traffic into a loop',
      }),
    );
  }
  return issues;
}
