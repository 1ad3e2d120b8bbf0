/**
 * What kumactl learns from the host before it builds rules (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3,
 * Config.Initialize, setup.go, dryRun, config_executables.go). The generator
 * takes these as data so it stays pure; src/io probes them. Every field is optional; see DEFAULT_HOST_FACTS.
 */
import type { HostFacts, ResolvedHostFacts } from '../../model/host-facts.js';
/** A typical root install on a host with every module; not what a non-root dry-run sees. */
export const DEFAULT_HOST_FACTS: Readonly<ResolvedHostFacts> = Object.freeze({
  loopbackInterface: 'lo',
  users: { 'kuma-dp': 5678, root: 0 },
  dnsServers: [],
  ipv6: true,
  executables: true,
  modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
  tables: { nat: true, raw: true, mangle: true },
  dockerOutputChain: false,
});

/** Fill in defaults field by field (modules and tables key by key). Does not validate: see hostFactsSchema. */
export function resolveHostFacts(facts: HostFacts = {}): ResolvedHostFacts {
  const d = DEFAULT_HOST_FACTS;
  return {
    loopbackInterface: facts.loopbackInterface ?? d.loopbackInterface,
    users: { ...(facts.users ?? d.users) },
    dnsServers: [...(facts.dnsServers ?? d.dnsServers)],
    ipv6: facts.ipv6 ?? d.ipv6,
    executables: facts.executables ?? d.executables,
    modules: { ...d.modules, ...stripUndefined(facts.modules ?? {}) },
    tables: { ...d.tables, ...stripUndefined(facts.tables ?? {}) },
    dockerOutputChain: facts.dockerOutputChain ?? d.dockerOutputChain,
  };
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
