/**
 * Inputs for the rules-apply tests: kumactl's rules for a few configs (through the real generator), and foreign
 * rules of other tools: Docker's filter and nat, firewalld's raw, kube-proxy's mangle (IPv4), the IPv6 equivalent,
 * and more foreign rules added after our install (inserted above ours and appended after them).
 */

import type { Family } from '../../src/model/family.js';
import type { HostFacts } from '../../src/model/host-facts.js';
import type { ExpectedRuleSet } from '../../src/model/ruleset.js';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { parseKumaVersion } from '../../src/versions.js';
import { foreignRestore } from '../support/netns-support.js';

export const FACTS: HostFacts = { loopbackInterface: 'lo', users: { 'kuma-dp': 5678, root: 0 }, ipv6: true };

export type ConfigEdit = (c: TproxyConfig) => void;

function rulesFor(edit: ConfigEdit, facts: HostFacts = FACTS) {
  const config = defaultTproxyConfig();
  edit(config);
  return computeRules(parseKumaVersion('2.14.3'), config, facts, '5678');
}

/** The save form kumactl's install leaves, as the drift check expects it. */
export const expectedRules = (family: Family, edit: ConfigEdit = () => {}, facts?: HostFacts): ExpectedRuleSet =>
  rulesFor(edit, facts).expected(family);

/** kumactl's restore file for the same inputs, to install "the old way" with a plain iptables-restore. */
export const kumactlRestore = (family: Family, edit: ConfigEdit = () => {}): string =>
  rulesFor(edit).restore(family) ?? '';

/** raw (conntrack zones), nat with `-I` DNS rules in OUTPUT, mangle (drop invalid): every table Kuma touches. */
export const everyTable: ConfigEdit = (c) => {
  c.redirect.dns.enabled = true;
  c.redirect.dns.captureAll = true;
  c.dropInvalidPackets = true;
  c.redirect.inbound.excludePorts = [22];
};

/** The same with one more exclusion in each direction: an update of KUMA_MESH_INBOUND and _OUTBOUND only. */
export const everyTableMoreExclusions: ConfigEdit = (c) => {
  everyTable(c);
  c.redirect.inbound.excludePorts = [22, 2222];
  c.redirect.outbound.excludePorts = [5432];
};

export const withoutComments: ConfigEdit = (c) => {
  c.comments.disabled = true;
};

/** Foreign rules in nat (Docker, with PREROUTING/OUTPUT jumps), filter (FORWARD, DOCKER-USER), raw and mangle. */
export const foreignBefore = foreignRestore;

/** Added with `--noflush` after our install: inserted above our rules and appended below them, in every table. */
export const FOREIGN_AFTER = `*nat
-I PREROUTING 1 -p udp -m udp --dport 5353 -j RETURN
-I OUTPUT 1 -p tcp -m tcp --dport 7 -j ACCEPT
-A OUTPUT -p tcp -m tcp --dport 9 -j ACCEPT
COMMIT
*filter
-I INPUT 1 -p tcp -m tcp --dport 2222 -j ACCEPT
-A OUTPUT -p icmp -j ACCEPT
COMMIT
*raw
-I OUTPUT 1 -p udp -m udp --dport 123 -j ACCEPT
COMMIT
*mangle
-A PREROUTING -p tcp -m tcp --dport 25 -j ACCEPT
COMMIT
`;
