import * as z from 'zod';
import type { HostFacts } from '../../model/host-facts.js';

/**
 * The facts contract as a zod schema, for files users write (`--facts`, `hostFacts:`). Kept apart from the generator
 * so that computing rules does not load zod (a tenth of a second of CLI start-up).
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
    /**
     * First interface with the loopback flag, in kernel index order (the first interface with the loopback flag, Go
     * net.Interfaces).
     */
    loopbackInterface: z.string().min(1),
    /** `/etc/passwd` users, name -> uid (kumactl is static, so NSS-only users do not count, InitializeKumaDPUser). */
    users: z.record(z.string(), z.number().int().min(0)),
    /** resolv.conf `nameserver` values in file order, both families, duplicates kept (DNS.Initialize). */
    dnsServers: z.array(z.string()),
    /**
     * Has a non-loopback IPv6 address, `::6` could be added to `lo`, and ip6tables works (Config.Initialize,
     * ipFamilyMode).
     */
    ipv6: z.boolean(),
    /** false = kumactl found no usable iptables (its non-root dry-run): no comments, raw, mangle or DOCKER_OUTPUT. */
    executables: z.boolean(),
    /** `iptables -m X -h` results (config_executables.go). */
    modules: modulesSchema,
    /** `iptables-save -t X` results (config_executables.go). */
    tables: tablesSchema,
    /** `^:DOCKER_OUTPUT` is in the nat table (builder_table_nat.go, DNS.Initialize). */
    dockerOutputChain: z.boolean(),
  })
  .partial();

// The hand-written HostFacts interface must stay what this schema accepts.
export type HostFactsInput = z.input<typeof hostFactsSchema>;

/** Compile-time check: a file that passes the schema is a HostFacts. */
const _sameShape = (x: HostFactsInput): HostFacts => x;
void _sameShape;
