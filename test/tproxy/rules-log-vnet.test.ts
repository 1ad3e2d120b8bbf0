import { describe, expect, it } from 'vitest';
import type { TproxyConfig } from '../../src/tproxy/config-types.js';
import { build, lines } from './rules-helpers.js';

describe('LOG', () => {
  it('inserts LOG first in OUTPUT and appends it in PREROUTING, with the configured level', () => {
    const [v4] = build((c) => {
      c.log.enabled = true;
      c.log.level = 4;
      c.redirect.outbound.excludePortsForIPs = ['10.0.0.1'];
    });
    expect(lines(v4, 'nat', 'OUTPUT')).toEqual([
      '-I OUTPUT 1 -j LOG --log-prefix OUTPUT: --log-level 4',
      '-I OUTPUT 2 -d 10.0.0.1 -j RETURN',
      '-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND',
    ]);
    expect(lines(v4, 'nat', 'PREROUTING')).toEqual([
      '-A PREROUTING -j LOG --log-prefix PREROUTING: --log-level 4',
      '-A PREROUTING -p tcp -j KUMA_MESH_INBOUND',
    ]);
  });

  it.each([
    [
      'vnet',
      (c: TproxyConfig) => {
        c.redirect.vnet.networks = ['docker0:172.17.0.0/16'];
      },
    ],
    [
      'inbound insert',
      (c: TproxyConfig) => {
        c.redirect.inbound.insertRedirectInsteadOfAppend = true;
      },
    ],
  ])('with %s the PREROUTING LOG append comes before inserts, so it ends up last', (_name, edit) => {
    const [v4] = build((c) => {
      c.log.enabled = true;
      edit(c);
    });
    const pre = lines(v4, 'nat', 'PREROUTING');
    expect(pre[0]).toBe('-A PREROUTING -j LOG --log-prefix PREROUTING: --log-level 7');
    expect(pre.slice(1).every((l) => l.startsWith('-I PREROUTING '))).toBe(true);
    expect(pre.at(-1)).toMatch(/^-I PREROUTING \d+ -p tcp -j KUMA_MESH_INBOUND$/);
  });
});

describe('vnet', () => {
  it('sorts interfaces byte-wise and counts insert positions, then inserts the inbound jump', () => {
    const [v4] = build((c) => {
      c.redirect.vnet.networks = ['docker2:10.0.0.0/8', 'docker0:172.17.0.0/16', 'br+:172.18.0.0/16'];
    });
    expect(lines(v4, 'nat', 'PREROUTING')).toEqual([
      '-I PREROUTING 1 -i br+ -m udp -p udp --dport 53 -j REDIRECT --to-ports 15053',
      '-I PREROUTING 2 ! -d 172.18.0.0/16 -i br+ -p tcp -j REDIRECT --to-ports 15001',
      '-I PREROUTING 3 -i docker0 -m udp -p udp --dport 53 -j REDIRECT --to-ports 15053',
      '-I PREROUTING 4 ! -d 172.17.0.0/16 -i docker0 -p tcp -j REDIRECT --to-ports 15001',
      '-I PREROUTING 5 -i docker2 -m udp -p udp --dport 53 -j REDIRECT --to-ports 15053',
      '-I PREROUTING 6 ! -d 10.0.0.0/8 -i docker2 -p tcp -j REDIRECT --to-ports 15001',
      '-I PREROUTING 7 -p tcp -j KUMA_MESH_INBOUND',
    ]);
  });

  it('keeps the last CIDR of a repeated interface, keeps CIDRs verbatim and splits by family', () => {
    const [v4, v6] = build((c) => {
      c.redirect.vnet.networks = ['eth0:10.0.0.0/8', 'iface:::1/64', 'eth0:192.168.0.0/16'];
    });
    expect(lines(v4, 'nat', 'PREROUTING').filter((l) => l.includes('! -d'))).toEqual([
      '-I PREROUTING 2 ! -d 192.168.0.0/16 -i eth0 -p tcp -j REDIRECT --to-ports 15001',
    ]);
    expect(lines(v6, 'nat', 'PREROUTING').filter((l) => l.includes('! -d'))).toEqual([
      '-I PREROUTING 2 ! -d ::1/64 -i iface -p tcp -j REDIRECT --to-ports 15001',
    ]);
  });

  it('adds the UDP/53 REDIRECT even when DNS redirection is off, on the configured DNS port', () => {
    const [v4] = build((c) => {
      c.redirect.dns.port = 5353;
      c.redirect.vnet.networks = ['docker0:172.17.0.0/16'];
    });
    expect(lines(v4, 'nat', 'PREROUTING')[0]).toBe(
      '-I PREROUTING 1 -i docker0 -m udp -p udp --dport 53 -j REDIRECT --to-ports 5353',
    );
  });

  it.each(['docker0:172.17.0.1', 'docker0', 'docker0:nope/8'])('rejects %j (needs iface:CIDR)', (entry) => {
    expect(() =>
      build((c) => {
        c.redirect.vnet.networks = [entry];
      }),
    ).toThrow(/invalid vnet network/);
  });
});
