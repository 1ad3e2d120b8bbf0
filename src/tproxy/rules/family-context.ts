import type { Family } from '../../model/family.js';
import type { ResolvedHostFacts } from '../../model/host-facts.js';
import type { KumaVersion } from '../../versions.js';
import type { TproxyConfig } from '../config-types.js';
import { type DnsPlan, initDns } from './dns-init.js';
import { type DnsVariantTraits, dnsVariant, dnsVariantTraits } from './dns-variant.js';
import { directionExclusions, type Exclusion } from './exclusions.js';
import { type VnetNetwork, vnetNetworks } from './vnet.js';

export interface MeshChains {
  inbound: string;
  outbound: string;
  inboundRedirect: string;
  outboundRedirect: string;
}

/** Everything the table builders need for one family, decided once (the "initialized config IPvX"). */
export interface FamilyContext {
  family: Family;
  config: TproxyConfig;
  traits: DnsVariantTraits;
  uid: string;
  loopback: string;
  /** `<lh>`: 127.0.0.1/32 or ::1/128. */
  localhost: string;
  /** `<pt>`: the inbound passthrough source, 127.0.0.6/32 or ::6/128. */
  passthrough: string;
  comments: boolean;
  dns: DnsPlan;
  chains: MeshChains;
  vnet: VnetNetwork[];
  inboundExclusions: Exclusion[];
  outboundExclusions: Exclusion[];
  /** nat has a `DOCKER_OUTPUT` chain: the kuma-dp DNS rule jumps there instead of RETURN. */
  dockerOutput: boolean;
  /** dropInvalidPackets and a usable mangle table. */
  mangle: boolean;
}

const ADDRESSES: Record<Family, { localhost: string; passthrough: string }> = {
  ipv4: { localhost: '127.0.0.1/32', passthrough: '127.0.0.6/32' },
  ipv6: { localhost: '::1/128', passthrough: '::6/128' },
};

/** `<namePrefix>_<suffix>` in declaration order INBOUND, OUTBOUND, INBOUND_REDIRECT, OUTBOUND_REDIRECT. */
export function meshChains(config: TproxyConfig): MeshChains {
  const { namePrefix, inbound, outbound } = config.redirect;
  return {
    inbound: `${namePrefix}_${inbound.chainName}`,
    outbound: `${namePrefix}_${outbound.chainName}`,
    inboundRedirect: `${namePrefix}_${inbound.redirectChainName}`,
    outboundRedirect: `${namePrefix}_${outbound.redirectChainName}`,
  };
}

export const declaredChains = (c: MeshChains): string[] => [
  c.inbound,
  c.outbound,
  c.inboundRedirect,
  c.outboundRedirect,
];

export function familyContext(
  version: KumaVersion,
  config: TproxyConfig,
  facts: ResolvedHostFacts,
  uid: string,
  family: Family,
): FamilyContext {
  const { inbound, outbound, vnet } = config.redirect;
  return {
    family,
    config,
    traits: dnsVariantTraits(dnsVariant(version)),
    uid,
    loopback: facts.loopbackInterface,
    ...ADDRESSES[family],
    comments: !config.comments.disabled && facts.executables && facts.modules.comment,
    dns: initDns(config, facts, family),
    chains: meshChains(config),
    vnet: vnetNetworks(vnet.networks, family),
    inboundExclusions: directionExclusions(inbound.excludePortsForUIDs, inbound.excludePortsForIPs, family, 'inbound'),
    outboundExclusions: directionExclusions(
      outbound.excludePortsForUIDs,
      outbound.excludePortsForIPs,
      family,
      'outbound',
    ),
    dockerOutput: facts.executables && facts.dockerOutputChain,
    mangle: config.dropInvalidPackets && facts.executables && facts.tables.mangle,
  };
}
