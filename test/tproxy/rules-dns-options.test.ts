import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../src/model/host-facts.js';
import type { TproxyConfig } from '../../src/tproxy/config-types.js';
import { build, lines, tableNames } from './rules-helpers.js';

describe('DNS', () => {
  const dns = (c: TproxyConfig) => {
    c.redirect.dns.enabled = true;
  };
  const servers = ['8.8.8.8', '2001:4860:4860:0:0:0:0:8888', '127.0.0.53', 'fe80::1%eth0'];

  it('jumps to DOCKER_OUTPUT when nat has it and iptables is usable', () => {
    const facts = { dnsServers: ['8.8.8.8'], dockerOutputChain: true };
    const [v4] = build(dns, facts);
    expect(lines(v4, 'nat', 'OUTPUT')[0]).toBe(
      '-I OUTPUT 1 -p udp --dport 53 -m owner --uid-owner 5678 -j DOCKER_OUTPUT',
    );
    const [noExe] = build(dns, { ...facts, executables: false });
    expect(lines(noExe, 'nat', 'OUTPUT')[0]).toMatch(/-j RETURN$/);
    const [commented] = build((c) => {
      dns(c);
      c.comments.disabled = false;
    }, facts);
    const first = commented!.tables.find((t) => t.name === 'nat')!.rules.find((r) => r.chain === 'OUTPUT');
    expect(first?.comment).toBe('redirect DNS traffic from kuma-dp to the DOCKER_OUTPUT chain');
  });

  it('keeps servers per family in file order, canonical, and skips unparsable ones', () => {
    const [v4, v6] = build(dns, { dnsServers: servers });
    expect(lines(v4, 'nat', 'OUTPUT').filter((l) => l.includes('REDIRECT'))).toEqual([
      '-I OUTPUT 2 -d 8.8.8.8 -p udp --dport 53 -j REDIRECT --to-ports 15053',
      '-I OUTPUT 3 -d 127.0.0.53 -p udp --dport 53 -j REDIRECT --to-ports 15053',
    ]);
    expect(lines(v6, 'nat', 'OUTPUT').filter((l) => l.includes('REDIRECT'))).toEqual([
      '-I OUTPUT 2 -d 2001:4860:4860::8888 -p udp --dport 53 -j REDIRECT --to-ports 15053',
    ]);
  });

  it('adds the localhost zone-1 raw rule for a loopback server', () => {
    const [v4] = build(dns, { dnsServers: ['127.0.0.53'] });
    expect(lines(v4, 'raw')).toEqual([
      '-A PREROUTING -s 127.0.0.53 -p udp --sport 53 -j CT --zone 1',
      '-A OUTPUT -p udp --dport 53 -m owner --uid-owner 5678 -j CT --zone 1',
      '-A OUTPUT -p udp --sport 15053 -m owner --uid-owner 5678 -j CT --zone 2',
      '-A OUTPUT -d 127.0.0.53 -p udp --dport 53 -j CT --zone 2',
      '-A OUTPUT -s 127.0.0.53 -d 127.0.0.1/32 -p udp -j CT --zone 1',
    ]);
  });

  it('turns DNS off for a family without servers (unless captureAll)', () => {
    const [v4, v6] = build(dns, { dnsServers: ['8.8.8.8'] }, '2.13.5');
    expect(tableNames(v6)).toEqual(['nat']);
    expect(lines(v6, 'nat', 'OUTPUT')).toEqual(['-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND']);
    // Before 2.14 `! --dport 53` follows the family's DNS state.
    expect(lines(v6, 'nat', 'KUMA_MESH_OUTBOUND')[1]).not.toContain('--dport 53');
    expect(lines(v4, 'nat', 'KUMA_MESH_OUTBOUND')[1]).toContain('! --dport 53');
    const [, all6] = build(
      (c) => {
        c.redirect.dns.captureAll = true;
      },
      { dnsServers: [] },
    );
    expect(tableNames(all6)).toEqual(['raw', 'nat']);
  });

  const zoneSplitCases: [string, HostFacts, boolean][] = [
    ['everything available', {}, true],
    ['no conntrack module', { modules: { conntrack: false } }, false],
    ['no udp module', { modules: { udp: false } }, false],
    ['no owner module', { modules: { owner: false } }, false],
    ['no raw table', { tables: { raw: false } }, false],
    ['no nat table', { tables: { nat: false } }, false],
    ['no usable executables', { executables: false }, false],
    ['no comment module (irrelevant)', { modules: { comment: false } }, true],
    ['no tcp/multiport module (irrelevant)', { modules: { tcp: false, multiport: false } }, true],
    ['DOCKER_OUTPUT without captureAll', { dockerOutputChain: true }, true],
  ];
  it.each(zoneSplitCases)('zone split with %s: %s', (_name, facts, raw) => {
    const [v4] = build(dns, { dnsServers: ['8.8.8.8'], ...facts });
    expect(tableNames(v4)?.includes('raw')).toBe(raw);
  });

  it('zone split is off with skipConntrackZoneSplit, and with captureAll inside Docker', () => {
    const [skip] = build((c) => {
      c.redirect.dns.captureAll = true;
      c.redirect.dns.skipConntrackZoneSplit = true;
    });
    expect(tableNames(skip)).toEqual(['nat']);
    const [docker] = build(
      (c) => {
        c.redirect.dns.captureAll = true;
      },
      { dockerOutputChain: true },
    );
    expect(tableNames(docker)).toEqual(['nat']);
  });
});
