/**
 * The transparent-proxy configuration after all sources are merged (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3, Config and DefaultConfig), before host facts are
 * applied. Field names are Kuma's YAML keys. Values are kept exactly as kumactl keeps them: `ipFamilyMode`
 * keeps its original case (so `IPv4` behaves as dualstack, kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3
 * and utils.go), excluded IPs keep their spelling.
 */
export interface TproxyDirection {
  enabled: boolean;
  port: number;
  includePorts: number[];
  excludePorts: number[];
  excludePortsForIPs: string[];
  excludePortsForUIDs: string[];
  insertRedirectInsteadOfAppend: boolean;
  /** Env-only (`KUMA_TRANSPARENT_PROXY_REDIRECT_*_CHAIN_NAME`), not settable from a file. */
  chainName: string;
  redirectChainName: string;
}

export interface TproxyConfig {
  kumaDPUser: string;
  ipFamilyMode: string;
  redirect: {
    namePrefix: string;
    inbound: TproxyDirection;
    outbound: TproxyDirection;
    dns: {
      enabled: boolean;
      captureAll: boolean;
      port: number;
      skipConntrackZoneSplit: boolean;
      resolvConfigPath: string;
    };
    vnet: { networks: string[] };
  };
  dropInvalidPackets: boolean;
  comments: { disabled: boolean };
  log: { enabled: boolean; level: number };
  retry: { maxRetries: number /** Go duration text as given, e.g. `2s`. */; sleepBetweenRetries: string };
  wait: number;
  /**
   * Microseconds, despite the docs (kumahq/kuma pkg/transparentproxy/iptables/setup.go@v2.14.3 and config.go (Retry,
   * Wait)).
   */
  waitInterval: number;
  iptablesExecutables: Record<string, string>;
  storeFirewalld: boolean;
  verbose: boolean;
  dryRun: boolean;
  cniMode: boolean;
  ebpf: {
    enabled: boolean;
    instanceIP: string;
    instanceIPEnvVarName: string;
    bpffsPath: string;
    cgroupPath: string;
    programsSourcePath: string;
    tcAttachIface: string;
  };
}

/**
 * `DefaultConfig()` of kumactl 2.14 (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, Config and
 * DefaultConfig default column).
 */
export function defaultTproxyConfig(): TproxyConfig {
  const direction = (port: number, name: string): TproxyDirection => ({
    enabled: true,
    port,
    includePorts: [],
    excludePorts: [],
    excludePortsForIPs: [],
    excludePortsForUIDs: [],
    insertRedirectInsteadOfAppend: false,
    chainName: name,
    redirectChainName: `${name}_REDIRECT`,
  });
  return {
    kumaDPUser: '',
    ipFamilyMode: 'dualstack',
    redirect: {
      namePrefix: 'KUMA_MESH',
      inbound: direction(15006, 'INBOUND'),
      outbound: direction(15001, 'OUTBOUND'),
      dns: {
        enabled: false,
        captureAll: false,
        port: 15053,
        skipConntrackZoneSplit: false,
        resolvConfigPath: '/etc/resolv.conf',
      },
      vnet: { networks: [] },
    },
    dropInvalidPackets: false,
    comments: { disabled: false },
    log: { enabled: false, level: 7 },
    retry: { maxRetries: 4, sleepBetweenRetries: '2s' },
    wait: 5,
    waitInterval: 0,
    iptablesExecutables: {},
    storeFirewalld: false,
    verbose: false,
    dryRun: false,
    cniMode: false,
    ebpf: {
      enabled: false,
      instanceIP: '',
      instanceIPEnvVarName: '',
      bpffsPath: '/run/kuma/bpf',
      cgroupPath: '/sys/fs/cgroup',
      programsSourcePath: '/tmp/kuma-ebpf',
      tcAttachIface: '',
    },
  };
}

/** Exactly `ipv4` (case-sensitive) disables IPv6: kumactl and kuma-dp compare case-sensitively. */
export const isIpv4Only = (c: TproxyConfig): boolean => c.ipFamilyMode === 'ipv4';
