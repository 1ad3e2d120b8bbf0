import type { FamilyContext } from './family-context.js';
import type { TableBuilder } from './table-builder.js';

/**
 * KUMA_MESH_INBOUND (kumahq/kuma pkg/transparentproxy/iptables/builder/builder_table_nat.go@v2.14.3). Inbound
 * exclusions render only `-s <addr>`: a UID exclusion has no
 * address, so it becomes an unconditional `-j RETURN` that disables all inbound redirection (TrafficFlow.Initialize
 * turns an inbound UID exclusion into a bare RETURN), one per
 * protocol of the entry.
 */
export function addMeshInboundRules(t: TableBuilder, ctx: FamilyContext): void {
  const { chains } = ctx;
  const { inbound } = ctx.config.redirect;
  if (!inbound.enabled) {
    t.append(chains.inbound, ['-p', 'tcp', '-j', 'RETURN'], 'inbound traffic redirection is disabled');
    return;
  }
  for (const ex of ctx.inboundExclusions) {
    const source = ex.kind === 'ip' ? ['-s', ex.address] : [];
    t.append(chains.inbound, [...source, '-j', 'RETURN'], 'skip further processing for configured IP address');
  }
  for (const port of inbound.includePorts) {
    t.append(
      chains.inbound,
      ['-p', 'tcp', '--dport', String(port), '-j', chains.inboundRedirect],
      `redirect inbound traffic from port ${port} to the custom chain for processing`,
    );
  }
  if (inbound.includePorts.length > 0) return;
  for (const port of inbound.excludePorts) {
    t.append(
      chains.inbound,
      ['-p', 'tcp', '--dport', String(port), '-j', 'RETURN'],
      `exclude inbound traffic from port ${port} from redirection`,
    );
  }
  t.append(
    chains.inbound,
    ['-p', 'tcp', '-j', chains.inboundRedirect],
    'redirect all inbound traffic to the custom chain for processing',
  );
}

/** KUMA_MESH_OUTBOUND (builder_table_nat.go) with the per-version DNS differences (dns-variant.ts). */
export function addMeshOutboundRules(t: TableBuilder, ctx: FamilyContext): void {
  const { chains, uid, loopback: lo, localhost: lh, traits, dns } = ctx;
  const { outbound } = ctx.config.redirect;
  const chain = chains.outbound;
  if (!outbound.enabled) {
    t.append(chain, ['-p', 'tcp', '-j', 'RETURN'], 'outbound traffic redirection is disabled');
    return;
  }
  if (outbound.includePorts.length === 0) {
    for (const port of outbound.excludePorts) {
      t.append(
        chain,
        ['-p', 'tcp', '--dport', String(port), '-j', 'RETURN'],
        `exclude outbound traffic from port ${port} from redirection`,
      );
    }
  }
  t.append(
    chain,
    ['-s', ctx.passthrough, '-o', lo, '-j', 'RETURN'],
    `prevent traffic loops by ensuring traffic from the sidecar proxy (using ${ctx.passthrough}) to loopback ` +
      'interface is not redirected again',
  );

  // Before 2.14 the loopback rules skip TCP/53 when DNS is redirected for this family (the TCP DNS rules below
  // or in OUTPUT handle it), and their comments mention it unconditionally.
  const tcp = traits.loopbackSkipsDnsPort && dns.redirect ? ['-p', 'tcp', '!', '--dport', '53'] : ['-p', 'tcp'];
  const tcpText = traits.loopbackCommentMentionsDns ? 'TCP traffic (except to DNS port 53)' : 'TCP traffic';
  t.append(
    chain,
    [...tcp, '-o', lo, '!', '-d', lh, '-m', 'owner', '--uid-owner', uid, '-j', chains.inboundRedirect],
    `redirect outbound ${tcpText} destined for loopback interface, but not targeting address ${lh}, ` +
      `and owned by UID ${uid} (kuma-dp user) to ${chains.inboundRedirect} chain for proper handling`,
  );
  t.append(
    chain,
    [...tcp, '-o', lo, '-m', 'owner', '!', '--uid-owner', uid, '-j', 'RETURN'],
    `return outbound ${tcpText} destined for loopback interface, owned by any UID other than ${uid} (kuma-dp user)`,
  );
  t.append(
    chain,
    ['-m', 'owner', '--uid-owner', uid, '-j', 'RETURN'],
    `return outbound traffic owned by UID ${uid} (kuma-dp user)`,
  );

  if (traits.tcpDnsRedirectInMeshOutbound && dns.redirect) {
    const redirect = ['-p', 'tcp', '--dport', '53', '-j', 'REDIRECT', '--to-ports', String(dns.port)];
    const listening = `kuma-dp DNS proxy (listening on port ${dns.port})`;
    if (dns.captureAll) {
      t.append(chain, redirect, `redirect all DNS requests sent via TCP to ${listening}`);
    } else {
      for (const { address } of dns.servers) {
        t.append(
          chain,
          ['-d', address, ...redirect],
          `redirect DNS requests sent via TCP to ${address} to ${listening}`,
        );
      }
    }
  }

  t.append(chain, ['-d', lh, '-j', 'RETURN'], `return traffic destined for localhost (${lh}) to avoid redirection`);
  for (const port of outbound.includePorts) {
    t.append(
      chain,
      ['-p', 'tcp', '--dport', String(port), '-j', chains.outboundRedirect],
      `redirect outbound TCP traffic to port ${port} to our custom chain for further processing`,
    );
  }
  if (outbound.includePorts.length === 0) {
    t.append(
      chain,
      ['-j', chains.outboundRedirect],
      'redirect all other outbound traffic to our custom chain for further processing',
    );
  }
}

/** The two REDIRECT chains that hand TCP to Envoy. */
export function addMeshRedirectRules(t: TableBuilder, ctx: FamilyContext): void {
  const { chains } = ctx;
  const { inbound, outbound } = ctx.config.redirect;
  for (const [chain, port] of [
    [chains.inboundRedirect, inbound.port],
    [chains.outboundRedirect, outbound.port],
  ] as const) {
    t.append(
      chain,
      ['-p', 'tcp', '-j', 'REDIRECT', '--to-ports', String(port)],
      `redirect TCP traffic to envoy (port ${port})`,
    );
  }
}
