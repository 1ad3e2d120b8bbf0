import type { BuiltTable } from './built-rules.js';
import type { FamilyContext } from './family-context.js';
import { TableBuilder } from './table-builder.js';

/**
 * raw table: conntrack zones for DNS (kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_raw.go@v2.14.3),
 * only when the zone split is active for this family.
 * Zone 2 = app <-> local DNS proxy, zone 1 = proxy <-> upstream resolvers.
 */
export function buildRawTable(ctx: FamilyContext): BuiltTable | undefined {
  const { dns, uid } = ctx;
  if (!dns.zoneSplit) return undefined;
  const t = new TableBuilder('raw', [], ctx.comments);
  const owner = ['-m', 'owner', '--uid-owner', uid];
  const ct = (zone: number) => ['-j', 'CT', '--zone', String(zone)];

  t.append(
    'OUTPUT',
    ['-p', 'udp', '--dport', '53', ...owner, ...ct(1)],
    `assign connection tracking zone 1 to DNS traffic from the kuma-dp user (UID ${uid})`,
  );
  t.append(
    'OUTPUT',
    ['-p', 'udp', '--sport', String(dns.port), ...owner, ...ct(2)],
    'assign connection tracking zone 2 to DNS responses from the kuma-dp DNS proxy',
  );

  if (dns.captureAll) {
    t.append(
      'OUTPUT',
      ['-p', 'udp', '--dport', '53', ...ct(2)],
      'assign connection tracking zone 2 to all DNS requests',
    );
    t.append(
      'PREROUTING',
      ['-p', 'udp', '--sport', '53', ...ct(1)],
      'assign connection tracking zone 1 to all DNS responses',
    );
    return t.build();
  }

  for (const { address, loopback } of dns.servers) {
    t.append(
      'OUTPUT',
      ['-d', address, '-p', 'udp', '--dport', '53', ...ct(2)],
      `assign connection tracking zone 2 to DNS requests destined for ${address}`,
    );
    if (loopback) {
      // systemd-resolved (127.0.0.53) or Docker's embedded DNS (127.0.0.11): replies to a DNAT-ed query port.
      t.append(
        'OUTPUT',
        ['-s', address, '-d', ctx.localhost, '-p', 'udp', ...ct(1)],
        'assign conntrack zone 1 to DNS responses from the local DNS server to localhost, needed when the DNS query ' +
          'port is altered by a DNAT iptables rule, such as with Docker containers in a custom network',
      );
    }
    t.append(
      'PREROUTING',
      ['-s', address, '-p', 'udp', '--sport', '53', ...ct(1)],
      `assign connection tracking zone 1 to DNS responses from ${address}`,
    );
  }
  return t.build();
}
