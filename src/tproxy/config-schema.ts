import * as z from 'zod';

/**
 * The tproxy config FILE as people write it, for editor completion and checks through a JSON Schema
 * (`z.toJSONSchema(tproxyConfigFileSchema, { io: 'input' })`). Defaults are kumactl 2.14's (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3, Config and DefaultConfig).
 * Loading does not use this schema: kumactl's Go-style merge lives in load-config.ts, and it accepts more than
 * this schema does (any key case, `yes`/`on`, ports as comma strings). The schema steers people to the safe form.
 */

const port = (dflt: number, what: string) =>
  z
    .int()
    .min(1)
    .max(65535)
    .default(dflt)
    .describe(`${what}. An unquoted number from 1 to 65535: kumactl rejects a quoted port.`);

const ports = (what: string) =>
  z
    .union([z.array(z.union([z.int().min(1).max(65535), z.string()])), z.int().min(1).max(65535), z.string()])
    .default([])
    .describe(`${what}. A list of ports, one port, or a comma-separated string. No ranges. Replaces, never appends.`);

const strings = (what: string) =>
  z.array(z.string()).default([]).describe(`${what}. Replaces the list of earlier sources.`);

const direction = (name: 'inbound' | 'outbound', dflt: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe(`Redirect ${name} traffic.`),
      port: port(dflt, `Port of the envoy ${name} listener traffic is redirected to`),
      includePorts: ports(`Redirect only these ${name} ports`),
      excludePorts: ports(`Do not redirect these ${name} ports`),
      excludePortsForIPs: strings(
        `IPs or CIDRs (each entry may be a comma list) whose ${name} traffic is not redirected, e.g. 10.0.0.0/8`,
      ),
      excludePortsForUIDs: strings(
        name === 'inbound'
          ? 'Do not set: kumactl renders it as an unconditional RETURN that disables all inbound redirection'
          : 'Entries [<protocol>:][<ports>:]<uids>, e.g. tcp:22,8000-9000:1000-1002. UIDs are 16-bit (max 65535)',
      ),
      insertRedirectInsteadOfAppend: z
        .boolean()
        .default(false)
        .describe('Insert the jump to the redirect chain at the top instead of appending it.'),
    })
    .optional()
    .describe(`${name[0]!.toUpperCase()}${name.slice(1)} traffic redirection.`);

const executable = (name: string) => z.string().optional().describe(`Path of ${name}.`);

export const tproxyConfigFileSchema = z
  .strictObject({
    kumaDPUser: z
      .string()
      .default('')
      .describe(
        'User name or UID kuma-dp runs as; empty means UID 5678, then user kuma-dp. Must exist in /etc/passwd.',
      ),
    ipFamilyMode: z
      .enum(['dualstack', 'ipv4'])
      .default('dualstack')
      .describe("Write it in lowercase: kumactl accepts 'IPv4' but then behaves as dualstack."),
    redirect: z
      .strictObject({
        inbound: direction('inbound', 15006),
        outbound: direction('outbound', 15001),
        dns: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Redirect DNS queries to the kuma-dp DNS proxy.'),
            captureAll: z.boolean().default(false).describe('Redirect all DNS traffic; forces enabled.'),
            port: port(15053, 'Port of the kuma-dp DNS proxy'),
            skipConntrackZoneSplit: z.boolean().default(false).describe('Do not split DNS conntrack zones.'),
            resolvConfigPath: z.string().default('/etc/resolv.conf').describe('Where the DNS servers are read from.'),
          })
          .optional()
          .describe('DNS redirection.'),
        vnet: z
          .strictObject({
            networks: strings(
              '<interface>:<CIDR> entries, e.g. docker0:172.17.0.0/16; always adds a UDP/53 redirect on the interface',
            ),
          })
          .optional()
          .describe('Virtual networks (e.g. Docker bridges) whose traffic is redirected.'),
      })
      .optional()
      .describe('Traffic redirection.'),
    dropInvalidPackets: z.boolean().default(false).describe('Drop packets conntrack marks INVALID.'),
    comments: z
      .strictObject({
        disabled: z.boolean().default(false).describe('Keep true only if you must: cleanup relies on the comments.'),
      })
      .optional()
      .describe('iptables rule comments.'),
    log: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Add iptables LOG rules.'),
        level: z.int().min(0).max(7).default(7).describe('Syslog level of the LOG rules, 0 to 7.'),
      })
      .optional()
      .describe('iptables logging.'),
    retry: z
      .strictObject({
        maxRetries: z.int().min(0).default(4).describe('Retries after the first attempt.'),
        sleepBetweenRetries: z
          .union([z.string().regex(/^[-+]?(0|([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+)$/), z.int()])
          .default('2s')
          .describe('Go duration (e.g. 2s) or nanoseconds.'),
      })
      .optional()
      .describe('Retries of iptables-restore.'),
    wait: z
      .int()
      .min(0)
      .default(5)
      .describe('Seconds to wait for the xtables lock (legacy only); 0 means do not wait.'),
    waitInterval: z.int().min(0).default(0).describe('Microseconds between xtables lock attempts (legacy only).'),
    iptablesExecutables: z
      .strictObject({
        iptables: executable('iptables'),
        'iptables-save': executable('iptables-save'),
        'iptables-restore': executable('iptables-restore'),
        ip6tables: executable('ip6tables'),
        'ip6tables-save': executable('ip6tables-save'),
        'ip6tables-restore': executable('ip6tables-restore'),
      })
      .default({})
      .describe('Custom paths; all three of a family must be set or they are ignored.'),
    storeFirewalld: z.boolean().default(false).describe('Not useful: persists nothing in real runs.'),
    verbose: z.boolean().default(false).describe('Verbose kumactl output.'),
    dryRun: z.boolean().default(false).describe('Print the rules instead of applying them; do not set in a file.'),
    cniMode: z.boolean().default(false).describe('Kubernetes CNI only; keep false on VMs.'),
    ebpf: z
      .strictObject({ enabled: z.literal(false).default(false).describe('eBPF mode is not supported by kuma-gitops.') })
      .optional()
      .describe('eBPF mode (kumactl ≤2.14): not supported by kuma-gitops.'),
  })
  .describe('Kuma transparent proxy configuration (kumactl install transparent-proxy --config).');
