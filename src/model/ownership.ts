import type { TableName } from './family.js';

/**
 * What makes a rule or chain Kuma's: the chain name prefix and the comment prefix kumactl writes
 * (kumahq/kuma pkg/transparentproxy/consts/consts.go@v2.14.3), next to the built-in chains every table has.
 * Foreign rules are everything else; kuma-gitops never changes them.
 */
export const KUMA_CHAIN_PREFIX = 'KUMA_MESH';

export const COMMENT_PREFIX = 'kuma/mesh/transparent/proxy';

/** Built-in chains per table in the fixed order kumactl prints them (kumahq/kuma .../builder/builder.go@v2.14.3). */
export const BUILT_IN_CHAIN_ORDER: Record<TableName, readonly string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
};

/** Every built-in chain name of the tables above: never created or removed, only filled. */
export const BUILT_IN_CHAINS: ReadonlySet<string> = new Set(Object.values(BUILT_IN_CHAIN_ORDER).flat());
