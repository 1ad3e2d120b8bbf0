/**
 * The keys kumactl 2.14 reads from a tproxy config file (JSON tags of `pkg/transparentproxy/config`,
 * kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, Config and DefaultConfig) and how each value is decoded.
 * Chain names and `redirect.namePrefix` have JSON tag `-`, so
 * they are not here: in a file they are unknown keys.
 */

import { editDistance } from '../suggest.js';

export type LeafKind =
  | 'bool'
  | 'string'
  | 'uint'
  | 'uint16'
  | 'port'
  | 'ports'
  | 'strings'
  | 'uidExclusions'
  | 'ipExclusions'
  | 'vnetNetworks'
  | 'ipFamilyMode'
  | 'duration'
  | 'executables';

export interface StructSpec {
  readonly [key: string]: LeafKind | StructSpec;
}

const direction: StructSpec = {
  enabled: 'bool',
  port: 'port',
  includePorts: 'ports',
  excludePorts: 'ports',
  excludePortsForIPs: 'ipExclusions',
  excludePortsForUIDs: 'uidExclusions',
  insertRedirectInsteadOfAppend: 'bool',
};

export const CONFIG_FILE_FIELDS: StructSpec = {
  kumaDPUser: 'string',
  ipFamilyMode: 'ipFamilyMode',
  redirect: {
    inbound: direction,
    outbound: direction,
    dns: {
      enabled: 'bool',
      captureAll: 'bool',
      port: 'port',
      skipConntrackZoneSplit: 'bool',
      resolvConfigPath: 'string',
    },
    vnet: { networks: 'vnetNetworks' },
  },
  dropInvalidPackets: 'bool',
  comments: { disabled: 'bool' },
  log: { enabled: 'bool', level: 'uint16' },
  retry: { maxRetries: 'uint', sleepBetweenRetries: 'duration' },
  wait: 'uint',
  waitInterval: 'uint',
  iptablesExecutables: 'executables',
  storeFirewalld: 'bool',
  verbose: 'bool',
  dryRun: 'bool',
  cniMode: 'bool',
  // ≤2.14 only; HEAD ignores the whole `ebpf:` key (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, Ebpf).
  ebpf: {
    enabled: 'bool',
    instanceIP: 'string',
    instanceIPEnvVarName: 'string',
    bpffsPath: 'string',
    cgroupPath: 'string',
    programsSourcePath: 'string',
    tcAttachIface: 'string',
  },
};

/** Go encoding/json field matching: the exact key first, else a case-insensitive match. */
export function matchField(spec: StructSpec, key: string): string | undefined {
  if (Object.hasOwn(spec, key)) return key;
  const folded = key.toLowerCase();
  return Object.keys(spec).find((k) => k.toLowerCase() === folded);
}

/** The closest known sibling key, if it is close enough to be a likely typo. */
export function suggestKey(spec: StructSpec, key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of Object.keys(spec)) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
