/**
 * `kuma-dp run`'s flags as pflag parses them (kumahq/kuma app/kuma-dp/cmd/run.go and app/kuma-dp/cmd/root.go at
 * v2.14.3): enough to tell `--flag value` from `--flag=value` and a boolean switch from a flag that takes the next
 * word. `map` is pflag's StringToString (`--dataplane-var`), `list` a repeatable string slice.
 */
export type KumaDpFlagKind = 'string' | 'bool' | 'map' | 'list';

export interface KumaDpFlag {
  kind: KumaDpFlagKind;
  /** pflag shorthand, e.g. `-d` for `--dataplane-file`. */
  short?: string;
  /** kuma-dp's default, for flags where spelling it out is common: the same as leaving the flag out. */
  default?: string;
}

const string: KumaDpFlag = { kind: 'string' };
const bool: KumaDpFlag = { kind: 'bool', default: 'false' };

export const KUMA_DP_RUN_FLAGS: Readonly<Record<string, KumaDpFlag>> = {
  'cp-address': string,
  'ca-cert-file': string,
  'skip-verify': bool,
  'dataplane-token-file': string,
  'dataplane-token': string,
  'dataplane-file': { kind: 'string', short: 'd' },
  dataplane: string,
  'dataplane-var': { kind: 'map', short: 'v' },
  name: string,
  mesh: string,
  'proxy-type': string,
  'drain-time': string,
  'binary-path': string,
  concurrency: string,
  'work-dir': string,
  'config-dir': string,
  'dns-enabled': { kind: 'bool', default: 'true' },
  'dns-coredns-port': { kind: 'string', default: '15053' },
  'dns-envoy-port': { kind: 'string', default: '15054' },
  'dns-coredns-path': string,
  'dns-coredns-config-template-path': string,
  'dns-server-config-dir': string,
  'dns-prometheus-port': string,
  'dns-enable-logging': bool,
  'dns-proxy-port': string,
  'transparent-proxy': bool,
  'transparent-proxy-config': { kind: 'list' },
  'bind-outbounds': bool,
  'log-level': string,
  'log-output-path': string,
  'log-max-size': string,
  'log-max-retained-files': string,
  'log-max-age': string,
};

const BY_SHORT = new Map(
  Object.entries(KUMA_DP_RUN_FLAGS)
    .filter(([, f]) => f.short !== undefined)
    .map(([name, f]) => [f.short!, name]),
);

export const flagOfShorthand = (short: string): string | undefined => BY_SHORT.get(short);
