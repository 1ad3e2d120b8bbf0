import { z } from 'zod';

/**
 * What kumactl learns from the host before it builds rules (REFERENCE §1.4-§1.7, §2.11, §3.2). The generator
 * takes these as data so it stays pure; src/io probes them. Every field is optional; see DEFAULT_HOST_FACTS.
 */
const modulesSchema = z
  .object({
    comment: z.boolean(),
    conntrack: z.boolean(),
    udp: z.boolean(),
    owner: z.boolean(),
    tcp: z.boolean(),
    multiport: z.boolean(),
  })
  .partial();

const tablesSchema = z.object({ nat: z.boolean(), raw: z.boolean(), mangle: z.boolean() }).partial();

export const hostFactsSchema = z
  .object({
    /** First interface with the loopback flag, in kernel index order (§1.7). */
    loopbackInterface: z.string().min(1),
    /** `/etc/passwd` users, name -> uid (kumactl is static, so NSS-only users do not count, §1.4). */
    users: z.record(z.string(), z.number().int().min(0)),
    /** resolv.conf `nameserver` values in file order, both families, duplicates kept (§1.6). */
    dnsServers: z.array(z.string()),
    /** Has a non-loopback IPv6 address, `::6` could be added to `lo`, and ip6tables works (§1.5). */
    ipv6: z.boolean(),
    /** false = kumactl found no usable iptables (its non-root dry-run): no comments, raw, mangle or DOCKER_OUTPUT. */
    executables: z.boolean(),
    /** `iptables -m X -h` results (§3.2). */
    modules: modulesSchema,
    /** `iptables-save -t X` results (§3.2). */
    tables: tablesSchema,
    /** `^:DOCKER_OUTPUT` is in the nat table (§2.5, §1.6). */
    dockerOutputChain: z.boolean(),
  })
  .partial();

export type HostFacts = z.input<typeof hostFactsSchema>;

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

/** Validate untrusted input (e.g. a facts file or probe output) and fill in defaults. Throws a ZodError. */
export const parseHostFacts = (input: unknown): ResolvedHostFacts => resolveHostFacts(hostFactsSchema.parse(input));
