import type { FamilyContext } from './family-context.js';
import type { TableBuilder } from './table-builder.js';

const LOG_COMMENT = 'log matching packets using kernel logging';
const EXCLUSION_COMMENT = 'skip further processing for configured IP addresses, ports and UIDs';

const logParams = (prefix: string, level: number): string[] => [
  '-j',
  'LOG',
  '--log-prefix',
  `${prefix}:`,
  '--log-level',
  String(level),
];

/**
 * nat OUTPUT (`addOutputRules`, kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_nat.go@v2.14.3): LOG,
 * outbound exclusions, DNS, then the jump to MESH_OUTBOUND.
 */
export function addNatOutputRules(t: TableBuilder, ctx: FamilyContext): void {
  const { config, dns, uid, chains, traits } = ctx;
  const dnsPort = String(dns.port);

  if (config.log.enabled) t.insert('OUTPUT', logParams('OUTPUT', config.log.level), LOG_COMMENT);

  for (const ex of ctx.outboundExclusions) {
    const params =
      ex.kind === 'uid'
        ? ['-m', 'multiport', '-p', ex.protocol, '--dport', ex.ports, '-m', 'owner', '--uid-owner', ex.uids]
        : ['-d', ex.address];
    t.insert('OUTPUT', [...params, '-j', 'RETURN'], EXCLUSION_COMMENT);
  }

  if (dns.redirect) {
    const kumaDpDns = ['-p', 'udp', '--dport', '53', '-m', 'owner', '--uid-owner', uid];
    if (ctx.dockerOutput) {
      t.insert(
        'OUTPUT',
        [...kumaDpDns, '-j', 'DOCKER_OUTPUT'],
        'redirect DNS traffic from kuma-dp to the DOCKER_OUTPUT chain',
      );
    } else {
      t.insert('OUTPUT', [...kumaDpDns, '-j', 'RETURN'], 'return early for DNS traffic from kuma-dp');
    }
    if (traits.tcpDnsReturnInOutput) {
      t.append(
        'OUTPUT',
        ['-p', 'tcp', '--dport', '53', '-m', 'owner', '!', '--uid-owner', uid, '-j', 'RETURN'],
        'allow applications to perform DNS queries over TCP to port 53 without mesh redirection ' +
          `(only traffic not owned by UID ${uid} (kuma-dp user))`,
      );
    }
    const redirect = ['-p', 'udp', '--dport', '53', '-j', 'REDIRECT', '--to-ports', dnsPort];
    if (dns.captureAll) {
      t.insert('OUTPUT', redirect, `redirect all DNS requests to the kuma-dp DNS proxy (listening on port ${dnsPort})`);
    } else {
      for (const { address } of dns.servers) {
        t.insert(
          'OUTPUT',
          ['-d', address, ...redirect],
          `redirect DNS requests to ${address} to the kuma-dp DNS proxy (listening on port ${dnsPort})`,
        );
      }
    }
  }

  t.appendOrInsert(
    config.redirect.outbound.insertRedirectInsteadOfAppend,
    'OUTPUT',
    ['-p', 'tcp', '-j', chains.outbound],
    'redirect outbound TCP traffic to our custom chain for processing',
  );
}

/**
 * nat PREROUTING (`addPreroutingRules`, builder_table_nat.go). The LOG rule is an append while the vnet/inbound-insert
 * rules
 * are inserts, so with either of those LOG ends up last in the kernel (checked by the reference in a netns).
 */
export function addNatPreroutingRules(t: TableBuilder, ctx: FamilyContext): void {
  const { config, chains } = ctx;
  const dnsPort = String(ctx.dns.port);
  const outPort = String(config.redirect.outbound.port);

  if (config.log.enabled) t.append('PREROUTING', logParams('PREROUTING', config.log.level), LOG_COMMENT);

  const toInbound = ['-p', 'tcp', '-j', chains.inbound];
  if (ctx.vnet.length === 0 && !config.redirect.inbound.insertRedirectInsteadOfAppend) {
    t.append('PREROUTING', toInbound, 'redirect inbound TCP traffic to our custom chain for processing');
    return;
  }

  for (const { iface, cidr } of ctx.vnet) {
    // Emitted even when DNS redirection is disabled (builder_table_nat.go, the vnet DNS rule); `-m udp` before `-p udp`
    // as kumactl writes it.
    t.insert(
      'PREROUTING',
      ['-i', iface, '-m', 'udp', '-p', 'udp', '--dport', '53', '-j', 'REDIRECT', '--to-ports', dnsPort],
      `redirect DNS requests on interface ${iface} to the kuma-dp DNS proxy (listening on port ${dnsPort})`,
    );
    t.insert(
      'PREROUTING',
      ['!', '-d', cidr, '-i', iface, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', outPort],
      `redirect TCP traffic on interface ${iface}, excluding destination ${cidr}, ` +
        `to the envoy's outbound passthrough port ${outPort}`,
    );
  }
  t.insert('PREROUTING', toInbound, 'redirect remaining TCP traffic to our custom chain for processing');
}
