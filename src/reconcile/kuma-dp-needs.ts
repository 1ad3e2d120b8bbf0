import type { DesiredHost } from '../desired/desired-host.js';
import type { KumaDpNeed, KumaDpNeedPurpose } from '../model/kuma-dp-access.js';
import type { KumaDpCommand } from '../model/kuma-dp-command.js';

/**
 * The host paths the kuma-dp user itself must reach when kuma-dp starts: `runuser` drops root before exec, so a
 * binary or file under a folder that user cannot enter (e.g. /root, 0700 on Debian) only shows up as a kuma-dp that
 * dies at start. Pure: the live side (read-access.ts) says whether each is reachable, preconditions.ts refuses.
 */
/**
 * `written` are the paths kuma-gitops writes (the target's files). kuma-dp's env vars override its flags
 * (kuma-dp `app/kuma-dp/cmd/run.go`, config.Load after flag parsing), so an env var moves the path it reads.
 */
export function kumaDpNeeds(host: DesiredHost, command: KumaDpCommand, written: readonly string[]): KumaDpNeed[] {
  const kd = host.kumaDp;
  const env = command.env;
  const { dnsEnabled, tokenFile, dataplaneFile } = command.effective;
  const file = (purpose: KumaDpNeedPurpose, path: string): KumaDpNeed => ({
    purpose,
    path,
    access: 'read',
    presence: written.includes(path) ? 'written' : 'required',
  });
  // Envoy and CoreDNS: the configured path is only kuma-dp's first candidate; it then tries next to its own
  // executable and in its working directory (kumahq/kuma pkg/util/files/lookup_binary.go, LookupBinaryPath, as
  // used by app/kuma-dp/pkg/dataplane/envoy and .../dnsserver). Inferred: a missing configured path is not fatal.
  const binary = (purpose: KumaDpNeedPurpose, path: string): KumaDpNeed => ({
    purpose,
    path,
    access: 'execute',
    presence: 'optional',
  });
  const needs: KumaDpNeed[] = [
    // runuser execs it as the user: it must exist.
    { purpose: 'kuma-dp binary', path: kd.binary, access: 'execute', presence: 'required' },
    binary('Envoy binary', env.KUMA_DATAPLANE_RUNTIME_BINARY_PATH ?? kd.envoyBinary),
    file('Dataplane file', dataplaneFile),
    file('dataplane token file', tokenFile),
  ];
  // CoreDNS runs only with DNS on and without the embedded DNS proxy (a non-zero KUMA_DNS_PROXY_PORT, ≤2.14).
  const embeddedProxy = env.KUMA_DNS_PROXY_PORT !== undefined && Number(env.KUMA_DNS_PROXY_PORT) !== 0;
  if (dnsEnabled && !embeddedProxy) {
    needs.push(binary('CoreDNS binary', env.KUMA_DNS_CORE_DNS_BINARY_PATH ?? kd.corednsBinary));
  }
  // kuma-dp reads the tproxy config file only when it is passed to it (--transparent-proxy-config, 2.11+).
  for (const arg of command.argv) {
    if (arg.startsWith('--transparent-proxy-config=')) {
      needs.push(file('tproxy config file', arg.slice('--transparent-proxy-config='.length)));
    }
  }
  // An inline KUMA_CONTROL_PLANE_CA_CERT wins over the file (kuma-dp's run flags; see --ca-cert-file).
  const caFile = env.KUMA_CONTROL_PLANE_CA_CERT_FILE ?? kd.caCertFile;
  if (caFile !== undefined && caFile !== '' && env.KUMA_CONTROL_PLANE_CA_CERT === undefined) {
    needs.push(file('control plane CA file', caFile));
  }
  // A relative path is already an error of validation (kuma-dp.relative-path): nothing to check on the host.
  return needs.filter((need) => need.path.startsWith('/'));
}
