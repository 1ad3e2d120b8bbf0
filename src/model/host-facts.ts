/**
 * What kumactl learns from the host before it builds rules (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3,
 * Config.Initialize): the generator takes these as data so it stays pure. Types only; tproxy/rules/host-facts.ts
 * resolves them, live/ reads them from a host.
 */
/** What the facts file / `hostFacts:` may say; every field optional (the zod schema is in host-facts-schema.ts). */
export interface HostFacts {
  loopbackInterface?: string;
  users?: Record<string, number>;
  dnsServers?: string[];
  ipv6?: boolean;
  executables?: boolean;
  modules?: Partial<ResolvedHostFacts['modules']>;
  tables?: Partial<ResolvedHostFacts['tables']>;
  dockerOutputChain?: boolean;
}

export interface ResolvedHostFacts {
  loopbackInterface: string;
  users: Record<string, number>;
  dnsServers: string[];
  ipv6: boolean;
  executables: boolean;
  modules: { comment: boolean; conntrack: boolean; udp: boolean; owner: boolean; tcp: boolean; multiport: boolean };
  tables: { nat: boolean; raw: boolean; mangle: boolean };
  dockerOutputChain: boolean;
}
