import { locateSetting } from '../desired/desired-host.js';
import { error, type Issue, warning } from '../issues.js';
import { atLeast, formatKumaVersion, isSupported } from '../versions.js';
import type { SafetyInputs } from './safety-inputs.js';

/** Users, DNS, control plane and version: the guide's rules that keep the host in the mesh and on the network. */
export function checkHostSafety({ host, tproxy, locateTproxy, dataplane, kumaDp }: SafetyInputs): Issue[] {
  const issues: Issue[] = [];
  const setting = (...path: string[]) => ({ ...locateSetting(host, path), path: path.join('.') });
  const tpSetting = (...path: string[]) => ({ ...locateTproxy(path), path: path.join('.') });
  const kd = host.kumaDp;

  const v = host.kumaVersion;
  if (!atLeast(v, 2, 5)) {
    issues.push(
      error({
        code: 'safety.kuma-before-2.5-nftables',
        ...setting('kumaVersion'),
        message: `Kuma ${formatKumaVersion(v)} is not compatible with nf_tables (kumahq/kuma#8293), the default iptables backend of current distributions`,
        hint: 'upgrade to Kuma 2.9 or later',
      }),
    );
  }
  if (!isSupported(v)) {
    issues.push(
      error({
        code: 'safety.kuma-version-unsupported',
        ...setting('kumaVersion'),
        message: `Kuma ${formatKumaVersion(v)} is not supported: kuma-gitops reproduces kumactl and kuma-dp of 2.9 to 2.14`,
        hint: 'set kumaVersion to a 2.9-2.14 release',
      }),
    );
  }

  // kumactl resolves kumaDPUser to a UID and exempts that UID from redirection (kumahq/kuma
  // pkg/transparentproxy/config/config.go@v2.14.3, InitializeKumaDPUser).
  const want = tproxy.kumaDPUser;
  if (want === '') {
    if (kd.uid !== 5678) {
      const make = kd.user === 'kuma-dp' ? warning : error;
      issues.push(
        make({
          code: 'safety.kuma-dp-user-mismatch',
          ...tpSetting('kumaDPUser'),
          message: `kumaDPUser is unset, so kumactl exempts UID 5678 (or else user kuma-dp), but kuma-dp runs as ${kd.user} (uid ${kd.uid})`,
          hint: `set kumaDPUser: ${kd.user} in the tproxy config`,
        }),
      );
    }
  } else if (/^\d+$/.test(want) ? Number(want) !== kd.uid : want !== kd.user) {
    issues.push(
      error({
        code: 'safety.kuma-dp-user-mismatch',
        ...tpSetting('kumaDPUser'),
        message: `kumaDPUser is '${want}' but kuma-dp runs as ${kd.user} (uid ${kd.uid}): kuma-dp's own traffic would be redirected back to itself`,
        hint: `set kumaDPUser: ${kd.user}, or kumaDp.user to the same user`,
      }),
    );
  }
  if (host.service.user === kd.user || (host.service.uid !== undefined && host.service.uid === kd.uid)) {
    issues.push(
      error({
        code: 'safety.service-runs-as-kuma-dp',
        ...setting('service', 'user'),
        message: `the service runs as ${host.service.user}, the same user as kuma-dp: its traffic would bypass the mesh and inbound/outbound calls fail`,
        hint: "run the service as a different user (the guide's rule)",
      }),
    );
  }

  const dns = tproxy.redirect.dns;
  if (dns.enabled || dns.captureAll) {
    if (!kumaDp.effective.dnsEnabled) {
      issues.push(
        error({
          code: 'safety.dns-redirected-but-disabled',
          ...setting('kumaDp', 'dns', 'enabled'),
          message: "DNS is redirected to kuma-dp but kuma-dp's DNS is disabled: every DNS query on the host would fail",
          hint: 'enable kumaDp.dns, or turn off redirect.dns in the tproxy config',
        }),
      );
    } else if (kumaDp.effective.dnsPort !== dns.port) {
      issues.push(
        error({
          code: 'safety.dns-port-mismatch',
          ...setting('kumaDp', 'dns', 'corednsPort'),
          message: `DNS is redirected to port ${dns.port} (redirect.dns.port) but kuma-dp's DNS listens on ${kumaDp.effective.dnsPort}: every DNS query on the host would fail`,
          hint: `set kumaDp.dns.corednsPort: ${dns.port}, or change redirect.dns.port`,
        }),
      );
    }
  }

  const cpHost = hostOf(kumaDp.effective.cpAddress);
  if (cpHost !== undefined && (isLocal(cpHost) || cpHost === host.name || cpHost === dataplane?.address?.value)) {
    issues.push(
      error({
        code: 'safety.cp-on-this-host',
        ...setting('kumaDp', 'cpAddress'),
        message: `the control plane address ${cpHost} is this host: the transparent proxy would redirect kuma-dp's own control-plane traffic`,
        hint: "run the control plane on another machine (the guide's prerequisite) and point cpAddress at it",
      }),
    );
  }
  return issues;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

const isLocal = (h: string) =>
  h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0' || h === '::';
