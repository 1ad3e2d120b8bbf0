import type { DesiredHost } from '../desired/desired-host.js';
import type { KumaDpCommand, KumaDpEffective } from '../model/kuma-dp-command.js';
import { atLeast } from '../versions.js';
import { dataplaneVarFlag } from './dataplane-vars.js';

/** Flags kuma-gitops generates itself; extraArgs must not repeat them. */
export const GENERATED_FLAGS = [
  'cp-address',
  'dataplane-token-file',
  'dataplane-file',
  'dataplane-var',
  'binary-path',
  'dns-coredns-path',
  'dns-enabled',
  'dns-coredns-port',
  'dns-envoy-port',
  'ca-cert-file',
  'transparent-proxy-config',
] as const;

export function buildKumaDpCommand(host: DesiredHost): KumaDpCommand {
  const kd = host.kumaDp;
  const argv = [
    'runuser',
    '-u',
    kd.user,
    '--',
    kd.binary,
    'run',
    `--cp-address=${kd.cpAddress}`,
    `--dataplane-token-file=${kd.tokenFile}`,
    `--dataplane-file=${kd.dataplaneFile}`,
    ...host.dataplane.vars.map(([k, v]) => dataplaneVarFlag(k, v)),
    `--binary-path=${kd.envoyBinary}`,
    // CoreDNS flags exist up to 2.14 (kumahq/kuma app/kuma-dp/cmd/run.go@v2.14.3); every supported version has them.
    `--dns-coredns-path=${kd.corednsBinary}`,
  ];
  // Non-default settings only, so a guide-style host renders the guide's command line exactly.
  if (!kd.dns.enabled) argv.push('--dns-enabled=false');
  if (kd.dns.corednsPort !== 15053) argv.push(`--dns-coredns-port=${kd.dns.corednsPort}`);
  if (kd.dns.envoyPort !== 15054) argv.push(`--dns-envoy-port=${kd.dns.envoyPort}`);
  if (kd.caCertFile !== undefined) argv.push(`--ca-cert-file=${kd.caCertFile}`);
  if (kd.passTproxyConfig && atLeast(host.kumaVersion, 2, 11)) {
    argv.push(`--transparent-proxy-config=${kd.tproxyConfigFile}`);
  }
  argv.push(...kd.extraArgs);

  const env: Record<string, string> = { ...kd.env };
  // The readiness port has no flag (kumahq/kuma app/kuma-dp/cmd/run.go@v2.14.3): only the environment sets it.
  if (kd.readinessPort !== 9902 && env.KUMA_READINESS_PORT === undefined) {
    env.KUMA_READINESS_PORT = String(kd.readinessPort);
  }
  return { argv, env, effective: effectiveSettings(host, env) };
}

function effectiveSettings(host: DesiredHost, env: Record<string, string>): KumaDpEffective {
  const kd = host.kumaDp;
  const num = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  // Inferred, not from Kuma's source: the true spellings of Go's strconv.ParseBool (case-insensitive here); anything
  // else
  // is taken as false.
  const bool = (name: string) => (env[name] === undefined ? undefined : /^(1|t|true)$/i.test(env[name]!.trim()));
  const proxyPort = num('KUMA_DNS_PROXY_PORT');
  return {
    cpAddress: env.KUMA_CONTROL_PLANE_URL ?? kd.cpAddress,
    tokenFile: env.KUMA_DATAPLANE_RUNTIME_TOKEN_PATH ?? kd.tokenFile,
    dataplaneFile: env.KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH ?? kd.dataplaneFile,
    dnsEnabled: bool('KUMA_DNS_ENABLED') ?? kd.dns.enabled,
    // ≤2.14: a non-zero KUMA_DNS_PROXY_PORT switches to the embedded DNS proxy (kumahq/kuma
    // app/kuma-dp/cmd/run.go@v2.14.3).
    dnsPort: proxyPort ? proxyPort : (num('KUMA_DNS_CORE_DNS_PORT') ?? kd.dns.corednsPort),
    envoyDnsPort: num('KUMA_DNS_ENVOY_DNS_PORT') ?? kd.dns.envoyPort,
    readinessPort: num('KUMA_READINESS_PORT') ?? kd.readinessPort,
  };
}
