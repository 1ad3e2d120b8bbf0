import type { TproxyConfig } from './config-types.js';
import { getPath, parseText, setPath, type TextKind } from './kumactl-flag-table.js';
import { cloneTproxyConfig } from './load-config.js';

export const TPROXY_ENV_PREFIX = 'KUMA_TRANSPARENT_PROXY_';

export interface TproxyEnvVar {
  path: string;
  /**
   * Name without the `KUMA_TRANSPARENT_PROXY_` prefix (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3,
   * Config and DefaultConfig env column).
   */
  name: string;
  /** The un-prefixed fallback envconfig reads when the prefixed name is unset. */
  fallback: string;
  kind: TextKind;
}

const direction = (d: 'inbound' | 'outbound'): [string, string, TextKind][] => [
  [`redirect.${d}.enabled`, 'ENABLED', 'bool'],
  [`redirect.${d}.port`, 'PORT', 'port'],
  [`redirect.${d}.includePorts`, 'INCLUDE_PORTS', 'ports'],
  [`redirect.${d}.excludePorts`, 'EXCLUDE_PORTS', 'ports'],
  [`redirect.${d}.excludePortsForIPs`, 'EXCLUDE_PORTS_FOR_IPS', 'list'],
  [`redirect.${d}.excludePortsForUIDs`, 'EXCLUDE_PORTS_FOR_UIDS', 'list'],
  [`redirect.${d}.insertRedirectInsteadOfAppend`, 'INSERT_REDIRECT_INSTEAD_OF_APPEND', 'bool'],
  [`redirect.${d}.chainName`, 'CHAIN_NAME', 'string'],
  [`redirect.${d}.redirectChainName`, 'REDIRECT_CHAIN_NAME', 'string'],
];

/**
 * Struct prefixes per config path segment, as envconfig joins them (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3, Config and DefaultConfig).
 */
const rows: [string, string, TextKind][] = [
  ['kumaDPUser', 'KUMA_DP_USER', 'string'],
  ['ipFamilyMode', 'IP_FAMILY_MODE', 'ipFamilyMode'],
  ...direction('inbound'),
  ...direction('outbound'),
  ['redirect.dns.enabled', 'ENABLED', 'bool'],
  ['redirect.dns.captureAll', 'CAPTURE_ALL', 'bool'],
  ['redirect.dns.port', 'PORT', 'port'],
  ['redirect.dns.skipConntrackZoneSplit', 'SKIP_CONNTRACK_ZONE_SPLIT', 'bool'],
  ['redirect.dns.resolvConfigPath', 'RESOLV_CONFIG_PATH', 'string'],
  ['redirect.vnet.networks', 'NETWORKS', 'list'],
  ['dropInvalidPackets', 'DROP_INVALID_PACKETS', 'bool'],
  ['comments.disabled', 'DISABLED', 'bool'],
  ['log.enabled', 'ENABLED', 'bool'],
  ['log.level', 'LEVEL', 'uint16'],
  ['retry.maxRetries', 'MAX_RETRIES', 'uint'],
  ['retry.sleepBetweenRetries', 'SLEEP_BETWEEN_RETRIES', 'durationText'],
  ['wait', 'WAIT', 'uint'],
  ['waitInterval', 'WAIT_INTERVAL', 'uint'],
  ['iptablesExecutables', 'IPTABLES_EXECUTABLES', 'executables'],
  ['storeFirewalld', 'STORE_FIREWALLD', 'bool'],
  ['verbose', 'VERBOSE', 'bool'],
  ['dryRun', 'DRY_RUN', 'bool'],
  ['cniMode', 'CNI_MODE', 'bool'],
  ['ebpf.enabled', 'ENABLED', 'bool'],
  ['ebpf.instanceIP', 'INSTANCE_IP', 'string'],
  ['ebpf.instanceIPEnvVarName', 'INSTANCE_IP_ENV_VAR_NAME', 'string'],
  ['ebpf.bpffsPath', 'BPFFS_PATH', 'string'],
  ['ebpf.cgroupPath', 'CGROUP_PATH', 'string'],
  ['ebpf.programsSourcePath', 'PROGRAMS_SOURCE_PATH', 'string'],
  ['ebpf.tcAttachIface', 'TC_ATTACH_IFACE', 'string'],
];

/**
 * Every env var kumactl reads for the tproxy config. The fallback is the leaf name: kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3, Config and DefaultConfig says every
 * variable has one (envconfig issue #148). Read literally this means a generic `PORT` or `ENABLED` in the
 * environment reaches several fields; the reference's examples are all leaf names, the rest is inferred.
 */
export const TPROXY_ENV_VARS: readonly TproxyEnvVar[] = rows.map(([path, leaf, kind]) => {
  const structs = path
    .split('.')
    .slice(0, -1)
    .map((s) => s.toUpperCase());
  return { path, name: [...structs, leaf].join('_'), fallback: leaf, kind };
});

const GO_TYPES: Record<TextKind, string> = {
  bool: 'bool',
  string: 'string',
  port: 'config.Port',
  ports: 'config.Ports',
  list: '[]string',
  uint: 'uint',
  uint16: 'uint16',
  ipFamilyMode: 'config.IPFamilyMode',
  durationJson: 'types.Duration',
  durationText: 'types.Duration',
  executables: 'config.Executables',
};
const goField = (path: string): string => {
  const leaf = path.split('.').at(-1)!;
  const special: Record<string, string> = {
    ipFamilyMode: 'IPFamilyMode',
    cniMode: 'CNIMode',
    iptablesExecutables: 'Executables',
  };
  return special[leaf] ?? `${leaf[0]!.toUpperCase()}${leaf.slice(1)}`;
};

export interface AppliedEnvVar {
  /** The variable actually read (prefixed, or the fallback). */
  name: string;
  path: string;
}

/**
 * envconfig `Process("KUMA_TRANSPARENT_PROXY", cfg)` over the config: a set variable (even empty) replaces
 * the field; `[]string` values are split on commas (not trimmed), so UID exclusions with port lists break.
 * Errors use envconfig's text; the Go field and type names in it are our reading of kumactl (inferred). kumactl
 * stops at the first error; we report all.
 */
export function applyTproxyEnv(
  config: TproxyConfig,
  env: Readonly<Record<string, string | undefined>>,
): { config: TproxyConfig; errors: string[]; applied: AppliedEnvVar[] } {
  const result = cloneTproxyConfig(config);
  const errors: string[] = [];
  const applied: AppliedEnvVar[] = [];
  for (const v of TPROXY_ENV_VARS) {
    const key = `${TPROXY_ENV_PREFIX}${v.name}`;
    const [name, value] = env[key] !== undefined ? [key, env[key]] : [v.fallback, env[v.fallback]];
    if (value === undefined) continue;
    const parsed =
      v.kind === 'list'
        ? { ok: true as const, value: value.trim() === '' ? [] : value.split(',') }
        : parseText(v.kind, value, getPath(result, v.path));
    if (!parsed.ok) {
      errors.push(
        `envconfig.Process: assigning ${key} to ${goField(v.path)}: converting '${value}' to type ${GO_TYPES[v.kind]}. details: ${parsed.message}`,
      );
      continue;
    }
    setPath(result, v.path, parsed.value);
    applied.push({ name, path: v.path });
  }
  return { config: result, errors, applied };
}
