import { describe, expect, it } from 'vitest';
import type { TproxyConfig } from '../../src/tproxy/config-types.js';
import { parseIpExclusion, parseUidExclusion } from '../../src/tproxy/rules/exclusions.js';
import { KUMA_GOLDEN_CASES } from '../support/kuma-golden.js';
import { build, lines, tableNames } from './rules-helpers.js';

describe('ports and directions', () => {
  it('includePorts replace the excludePorts and the catch-all rules', () => {
    const [v4] = build((c) => {
      c.redirect.inbound.includePorts = [80, 8080];
      c.redirect.inbound.excludePorts = [1000];
      c.redirect.outbound.includePorts = [443];
      c.redirect.outbound.excludePorts = [22];
    });
    expect(lines(v4, 'nat', 'KUMA_MESH_INBOUND')).toEqual([
      '-A KUMA_MESH_INBOUND -p tcp --dport 80 -j KUMA_MESH_INBOUND_REDIRECT',
      '-A KUMA_MESH_INBOUND -p tcp --dport 8080 -j KUMA_MESH_INBOUND_REDIRECT',
    ]);
    const out = lines(v4, 'nat', 'KUMA_MESH_OUTBOUND');
    expect(out[0]).toBe('-A KUMA_MESH_OUTBOUND -s 127.0.0.6/32 -o lo -j RETURN');
    expect(out.slice(-2)).toEqual([
      '-A KUMA_MESH_OUTBOUND -d 127.0.0.1/32 -j RETURN',
      '-A KUMA_MESH_OUTBOUND -p tcp --dport 443 -j KUMA_MESH_OUTBOUND_REDIRECT',
    ]);
  });

  it('a disabled direction keeps its chains and jumps but only RETURNs', () => {
    const [v4] = build((c) => {
      c.redirect.inbound.enabled = false;
      c.redirect.outbound.enabled = false;
    });
    const nat = v4!.tables.find((t) => t.name === 'nat')!;
    expect(nat.chains).toEqual([
      'KUMA_MESH_INBOUND',
      'KUMA_MESH_OUTBOUND',
      'KUMA_MESH_INBOUND_REDIRECT',
      'KUMA_MESH_OUTBOUND_REDIRECT',
    ]);
    expect(lines(v4, 'nat', 'KUMA_MESH_INBOUND')).toEqual(['-A KUMA_MESH_INBOUND -p tcp -j RETURN']);
    expect(lines(v4, 'nat', 'KUMA_MESH_OUTBOUND')).toEqual(['-A KUMA_MESH_OUTBOUND -p tcp -j RETURN']);
    expect(lines(v4, 'nat', 'PREROUTING')).toEqual(['-A PREROUTING -p tcp -j KUMA_MESH_INBOUND']);
  });

  it('insertRedirectInsteadOfAppend turns the OUTPUT jump into the next insert', () => {
    const [v4] = build((c) => {
      c.redirect.outbound.insertRedirectInsteadOfAppend = true;
      c.redirect.outbound.excludePortsForIPs = ['10.0.0.0/8'];
    });
    expect(lines(v4, 'nat', 'OUTPUT')).toEqual([
      '-I OUTPUT 1 -d 10.0.0.0/8 -j RETURN',
      '-I OUTPUT 2 -p tcp -j KUMA_MESH_OUTBOUND',
    ]);
  });

  it('uses env-renamed chain names everywhere', () => {
    const [v4] = build((c) => {
      c.redirect.inbound.chainName = 'IN';
      c.redirect.inbound.redirectChainName = 'IN_R';
    });
    expect(v4!.tables.find((t) => t.name === 'nat')!.chains.slice(0, 3)).toEqual([
      'KUMA_MESH_IN',
      'KUMA_MESH_OUTBOUND',
      'KUMA_MESH_IN_R',
    ]);
    expect(lines(v4, 'nat', 'KUMA_MESH_IN_R')).toEqual(['-A KUMA_MESH_IN_R -p tcp -j REDIRECT --to-ports 15006']);
  });
});

describe('dropInvalidPackets', () => {
  const drop = (c: TproxyConfig) => {
    c.dropInvalidPackets = true;
  };
  it('adds mangle last when the mangle table is usable', () => {
    const [v4] = build(drop);
    expect(tableNames(v4)).toEqual(['nat', 'mangle']);
    expect(lines(v4, 'mangle')).toEqual(['-A PREROUTING -m conntrack --ctstate INVALID -j DROP']);
  });
  it.each([
    ['no mangle table', { tables: { mangle: false } }],
    ['no usable executables', { executables: false }],
  ])('leaves mangle out with %s', (_name, facts) => {
    expect(tableNames(build(drop, facts)[0])).toEqual(['nat']);
  });
});

describe('IPv6 enablement', () => {
  it.each([
    ['dualstack', {}, 2],
    ['ipv4', {}, 1],
    ['IPv4', {}, 2], // case-sensitive compare: this means dualstack (§1.3)
    ['dualstack', { ipv6: false }, 1],
    ['dualstack', { executables: false }, 1],
  ] as const)('ipFamilyMode %s with facts %j builds %d set(s)', (mode, facts, n) => {
    const sets = build((c) => {
      c.ipFamilyMode = mode;
    }, facts);
    expect(sets.map((s) => s.family)).toEqual(['ipv4', 'ipv6'].slice(0, n));
  });
  it('uses ::6 and ::1 for IPv6', () => {
    const [, v6] = build();
    expect(lines(v6, 'nat', 'KUMA_MESH_OUTBOUND')[0]).toBe('-A KUMA_MESH_OUTBOUND -s ::6/128 -o lo -j RETURN');
  });
});

describe('exclusions', () => {
  it('expands UID entries per protocol with - written as :', () => {
    expect(parseUidExclusion('udp,TCP:80,1000-2000:106-108')).toEqual([
      { kind: 'uid', protocol: 'udp', ports: '80,1000:2000', uids: '106:108' },
      { kind: 'uid', protocol: 'tcp', ports: '80,1000:2000', uids: '106:108' },
    ]);
    expect(parseUidExclusion(':0')).toEqual([
      { kind: 'uid', protocol: 'tcp', ports: '1:65535', uids: '0' },
      { kind: 'uid', protocol: 'udp', ports: '1:65535', uids: '0' },
    ]);
  });

  const errorVectors = Object.entries(KUMA_GOLDEN_CASES)
    .filter(([name, c]) => name.startsWith('kumactl-error/') && c.expected_stderr_contains !== undefined)
    .map(([name, c]) => [name, c.extra_flags.at(-1)!, c.expected_stderr_contains!] as const);
  it.each(errorVectors)('%s: %s fails with kumactl message', (_name, entry, stderr) => {
    expect(() => parseUidExclusion(entry)).toThrow(stderr.trimEnd());
  });
  it('has the error vectors', () => expect(errorVectors.length).toBe(5));

  it('rejects UIDs above uint16', () => {
    expect(() => parseUidExclusion('70000')).toThrow(/invalid uint16 value: '70000'/);
  });

  it('keeps IP pieces verbatim, drops blank ones and filters by family', () => {
    expect(parseIpExclusion('10.0.0.1, 192.168.0.0/24,,fe80::1', 'ipv4')).toEqual([
      { kind: 'ip', address: '10.0.0.1' },
      { kind: 'ip', address: ' 192.168.0.0/24' },
    ]);
    expect(parseIpExclusion('10.0.0.1,fe80::1', 'ipv6')).toEqual([{ kind: 'ip', address: 'fe80::1' }]);
    expect(() => parseIpExclusion('', 'ipv4')).toThrow('invalid exclusion rule: the rule cannot be empty');
    expect(() => parseIpExclusion('10.0.0.256', 'ipv4')).toThrow("invalid IP address: '10.0.0.256'");
    expect(() => parseIpExclusion('010.0.0.1', 'ipv4')).toThrow('invalid IP address');
  });

  it('inbound UID exclusions become unconditional RETURNs, one per protocol (§8.8)', () => {
    const [v4] = build((c) => {
      c.redirect.inbound.excludePortsForUIDs = ['1000'];
      c.redirect.inbound.excludePortsForIPs = ['192.168.0.1'];
    });
    expect(lines(v4, 'nat', 'KUMA_MESH_INBOUND').slice(0, 3)).toEqual([
      '-A KUMA_MESH_INBOUND -j RETURN',
      '-A KUMA_MESH_INBOUND -j RETURN',
      '-A KUMA_MESH_INBOUND -s 192.168.0.1 -j RETURN',
    ]);
  });
});
