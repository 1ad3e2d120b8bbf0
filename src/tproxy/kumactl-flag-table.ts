import type { TproxyConfig } from './config-types.js';
import {
  parseGoBool,
  parseGoUint,
  type SetResult,
  setDurationJson,
  setDurationText,
  setExecutables,
  setIpFamilyMode,
  setPort,
  setPorts,
} from './text-setters.js';

/** How a setting given as text is parsed: the Go type's `Set` (flags and env share them). */
export type TextKind =
  | 'bool'
  | 'string'
  | 'port'
  | 'ports'
  | 'list'
  | 'uint'
  | 'uint16'
  | 'ipFamilyMode'
  | 'durationJson'
  | 'durationText'
  | 'executables';

export interface FlagSpec {
  name: string;
  kind: TextKind | 'config' | 'configFile' | 'help';
  /** Dotted config path the flag sets. */
  path?: string;
  /** Only in kumactl 2.x up to 2.14 (removed at HEAD). */
  upTo214?: boolean;
  /** A deprecated alias: the flag to use instead. */
  deprecatedFor?: string;
}

const f = (name: string, kind: FlagSpec['kind'], path?: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({
  name,
  kind,
  ...(path ? { path } : {}),
  ...extra,
});

/**
 * `kumactl install transparent-proxy` flags (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, Config and
 * DefaultConfig flag column, Ebpf).
 */
export const KUMACTL_FLAGS: readonly FlagSpec[] = [
  f('help', 'help'),
  f('config', 'config'),
  f('config-file', 'configFile', undefined, { upTo214: true }),
  f('dry-run', 'bool', 'dryRun'),
  f('verbose', 'bool', 'verbose'),
  f('kuma-dp-user', 'string', 'kumaDPUser'),
  f('kuma-dp-uid', 'string', 'kumaDPUser', { upTo214: true, deprecatedFor: 'kuma-dp-user' }),
  f('ip-family-mode', 'ipFamilyMode', 'ipFamilyMode'),
  f('redirect-inbound', 'bool', 'redirect.inbound.enabled'),
  f('redirect-inbound-port', 'port', 'redirect.inbound.port'),
  f('exclude-inbound-ports', 'ports', 'redirect.inbound.excludePorts'),
  f('exclude-inbound-ips', 'list', 'redirect.inbound.excludePortsForIPs'),
  f('redirect-inbound-insert-instead-of-append', 'bool', 'redirect.inbound.insertRedirectInsteadOfAppend'),
  f('redirect-outbound-port', 'port', 'redirect.outbound.port'),
  f('exclude-outbound-ports', 'ports', 'redirect.outbound.excludePorts'),
  f('exclude-outbound-ips', 'list', 'redirect.outbound.excludePortsForIPs'),
  f('exclude-outbound-ports-for-uids', 'list', 'redirect.outbound.excludePortsForUIDs'),
  f('redirect-outbound-insert-instead-of-append', 'bool', 'redirect.outbound.insertRedirectInsteadOfAppend'),
  f('redirect-dns', 'bool', 'redirect.dns.enabled'),
  f('redirect-all-dns-traffic', 'bool', 'redirect.dns.captureAll'),
  f('redirect-dns-port', 'port', 'redirect.dns.port'),
  f('skip-dns-conntrack-zone-split', 'bool', 'redirect.dns.skipConntrackZoneSplit'),
  f('vnet', 'list', 'redirect.vnet.networks'),
  f('drop-invalid-packets', 'bool', 'dropInvalidPackets'),
  f('disable-comments', 'bool', 'comments.disabled'),
  f('iptables-logs', 'bool', 'log.enabled'),
  f('max-retries', 'uint', 'retry.maxRetries'),
  f('sleep-between-retries', 'durationJson', 'retry.sleepBetweenRetries'),
  f('wait', 'uint', 'wait'),
  f('wait-interval', 'uint', 'waitInterval'),
  f('iptables-executables', 'executables', 'iptablesExecutables'),
  f('store-firewalld', 'bool', 'storeFirewalld'),
  f('ebpf-enabled', 'bool', 'ebpf.enabled', { upTo214: true }),
  f('ebpf-instance-ip', 'string', 'ebpf.instanceIP', { upTo214: true }),
  f('ebpf-bpffs-path', 'string', 'ebpf.bpffsPath', { upTo214: true }),
  f('ebpf-cgroup-path', 'string', 'ebpf.cgroupPath', { upTo214: true }),
  f('ebpf-programs-source-path', 'string', 'ebpf.programsSourcePath', { upTo214: true }),
  f('ebpf-tc-attach-iface', 'string', 'ebpf.tcAttachIface', { upTo214: true }),
];

export function getPath(config: TproxyConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config);
}

export function setPath(config: TproxyConfig, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, config as never);
  parent[last] = value;
}

/** Parse `text` for a setting of `kind`; lists are returned as the items this one use adds. */
export function parseText(kind: TextKind, text: string, current: unknown): SetResult<unknown> {
  switch (kind) {
    case 'bool':
      return parseGoBool(text);
    case 'string':
      return { ok: true, value: text };
    case 'port':
      return setPort(text);
    case 'ports':
      return setPorts(text);
    case 'list':
      return { ok: true, value: [text] };
    case 'uint':
      return parseGoUint(text, 64);
    case 'uint16':
      return parseGoUint(text, 16);
    case 'ipFamilyMode':
      return setIpFamilyMode(text);
    case 'durationJson':
      return setDurationJson(text);
    case 'durationText':
      return setDurationText(text);
    case 'executables':
      return setExecutables(text, current as Record<string, string>);
  }
}
