/**
 * Validated desired state of one host: every layer merged, defaults applied, `${host}` substituted. This is the
 * input of rendering; nothing here has been rendered or checked against Kuma's rules yet.
 */
import type { DriftAction, DriftClass } from '../model/drift-class.js';
import type { HostFacts } from '../model/host-facts.js';
import type { KumaVersion } from '../versions.js';
import { hasPath } from '../yaml/yaml-source.js';
import type { Layer } from './load-repo.js';

export interface DesiredHost {
  name: string;
  /** The host's own file. */
  file: string;
  kumaVersion: KumaVersion;
  /** fleet, then groups in the order the host lists them, then the host: for "where was this set". */
  layers: Layer<object>[];
  dataplane: {
    templatePath: string;
    /** Variables in the order written; values as kuma-dp receives them (numbers and booleans stringified). */
    vars: [string, string][];
  };
  /** Kuma tproxy config files in kumactl `--config` order: fleet, groups, host. */
  tproxyConfigPaths: string[];
  kumaDp: {
    user: string;
    uid: number;
    binary: string;
    envoyBinary: string;
    corednsBinary: string;
    cpAddress: string;
    caCertFile: string | undefined;
    tokenFile: string;
    dataplaneFile: string;
    tproxyConfigFile: string;
    /** false: no copy of the effective tproxy config on the host (a host adopted from a hand install has none). */
    writeTproxyConfigFile: boolean;
    passTproxyConfig: boolean;
    dns: { enabled: boolean; corednsPort: number; envoyPort: number };
    readinessPort: number;
    extraArgs: string[];
    env: Record<string, string>;
  };
  service: { user: string; uid: number | undefined; ports: number[] };
  safety: { sshPort: number; allowSshRedirect: boolean };
  /** Progressive rollout: this host's wave, the fleet's delay between waves and gate, and whether it is paused. */
  rollout: HostRollout;
  /** What the agent does about each class of drift (layers merged over the defaults). */
  drift: Record<DriftClass, DriftAction>;
  /** Declared host facts (layers merged); the kuma-dp user is always added to `users`. */
  hostFacts: HostFacts;
}

/** Replaced by the host name in path settings, so fleet defaults can name per-host files. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder users write in YAML, not a JS template.
export const HOST_PLACEHOLDER = '${host}';

/**
 * Defaults follow kuma.io's guide "Integrating Transparent Proxy into Your Service Environment" and kuma-dp's own
 * defaults (kumahq/kuma app/kuma-dp/cmd/run.go@v2.14.3).
 */
export const KUMA_DP_DEFAULTS = {
  user: 'kuma-dp',
  uid: 5678,
  binary: '/usr/local/bin/kuma-dp',
  envoyBinary: '/usr/local/bin/envoy',
  corednsBinary: '/usr/local/bin/coredns',
  tokenFile: `/kuma/${HOST_PLACEHOLDER}-token`,
  dataplaneFile: `/kuma/${HOST_PLACEHOLDER}-dataplane.yaml`,
  tproxyConfigFile: `/kuma/${HOST_PLACEHOLDER}-tproxy.yaml`,
  writeTproxyConfigFile: true,
  passTproxyConfig: false,
  dns: { enabled: true, corednsPort: 15053, envoyPort: 15054 },
  readinessPort: 9902,
} as const;

export const SAFETY_DEFAULTS = { sshPort: 22, allowSshRedirect: false } as const;

/** Where a setting was last written, for pointing an issue at the right file and line. */
export function locateSetting(host: DesiredHost, path: readonly PropertyKey[]): { file: string; line?: number } {
  for (let i = host.layers.length - 1; i >= 0; i--) {
    const layer = host.layers[i]!;
    if (hasPath(layer.data, path)) return { file: layer.file, line: layer.source.lineOf(path) };
  }
  return { file: host.file };
}

export interface HostRollout {
  wave: number;
  waveDelayMs: number;
  gate: 'none' | 'alertmanager';
  /** `paused: true` in a layer that applies to this host: the file that says so (the last one that sets it). */
  paused: boolean;
  pausedBy?: string;
}
