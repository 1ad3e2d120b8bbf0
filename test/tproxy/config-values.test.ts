import { describe, expect, it } from 'vitest';
import { checkExcludedIpsEntry, parseVnetNetwork } from '../../src/tproxy/address-checks.js';
import { cleanPath, parseExecutablesSetting } from '../../src/tproxy/executables.js';
import { formatGoDuration, parseGoDuration } from '../../src/tproxy/go-duration.js';
import { parsePort, parsePortList } from '../../src/tproxy/port-values.js';
import { parseUidExclusion } from '../../src/tproxy/uid-exclusions.js';
import { formatFloat32g, resolvePlainScalar } from '../../src/tproxy/yaml11-scalars.js';

describe('goyaml.v2 plain scalars', () => {
  it.each([
    ['yes', { kind: 'bool', value: true }],
    ['Off', { kind: 'bool', value: false }],
    ['N', { kind: 'bool', value: false }],
    ['~', { kind: 'null' }],
    ['', { kind: 'null' }],
    ['15006', { kind: 'int', value: 15006 }],
    ['0x1F', { kind: 'int', value: 31 }],
    ['0o17', { kind: 'int', value: 15 }],
    ['017', { kind: 'int', value: 15 }],
    ['08', { kind: 'float', value: 8 }],
    ['1_000', { kind: 'int', value: 1000 }],
    ['-1', { kind: 'int', value: -1 }],
    ['1e3', { kind: 'float', value: 1000 }],
    ['.5', { kind: 'float', value: 0.5 }],
    ['.inf', { kind: 'float', value: Number.POSITIVE_INFINITY }],
    ['1:20', { kind: 'string', value: '1:20' }],
    ['2024-01-01', { kind: 'string', value: '2024-01-01' }],
    ['2s', { kind: 'string', value: '2s' }],
    ['Yes please', { kind: 'string', value: 'Yes please' }],
  ])('%j', (text, expected) => {
    expect(resolvePlainScalar(text)).toEqual(expected);
  });

  it.each([
    [5678, '5678'],
    [1000, '1000'],
    [1234567, '1.234567e+06'],
    [1.5, '1.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
  ])('FormatFloat(%d, g, -1, 32) = %s', (v, expected) => {
    expect(formatFloat32g(v)).toBe(expected);
  });
});

describe('ports', () => {
  it.each([
    ['1', 1],
    ['65535', 65535],
    ['015006', 15006],
  ])('parsePort(%j)', (raw, value) => {
    expect(parsePort(raw)).toEqual({ ok: true, value });
  });
  it.each(['0', '65536', '', '+5', ' 5', '"5"', 'null', '1-2'])('parsePort(%j) fails', (raw) => {
    expect(parsePort(raw)).toEqual({
      ok: false,
      messages: [`value '${raw}' is not a valid port (uint16 in the range [1, 65535])`],
    });
  });
  it('parsePortList skips blanks, trims and reports every bad piece', () => {
    expect(parsePortList(' 1, ,2,')).toEqual({ ok: true, value: [1, 2] });
    expect(parsePortList('0,x')).toEqual({
      ok: false,
      messages: [
        "value '0' is not a valid port (uint16 in the range [1, 65535])",
        "value 'x' is not a valid port (uint16 in the range [1, 65535])",
      ],
    });
  });
});

describe('Go durations', () => {
  it.each([
    ['2s', 2_000_000_000n],
    ['1m30s', 90_000_000_000n],
    ['1.5ms', 1_500_000n],
    ['-1h', -3_600_000_000_000n],
    ['0', 0n],
    ['1µs', 1000n],
  ])('parse %j', (text, ns) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, nanoseconds: ns });
  });
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1_500n, '1.5µs'],
    [1_500_000n, '1.5ms'],
    [2_000_000_000n, '2s'],
    [60_000_000_000n, '1m0s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_500_000_000n, '1h2m3.5s'],
    [-2_000_000_000n, '-2s'],
  ])('format %d', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });
});

describe('UID exclusions', () => {
  it.each([
    ['tcp:1900,1902,1000-2000:106-108', { protocols: ['tcp'], ports: '1900,1902,1000:2000', uids: '106:108' }],
    ['*:*:0', { protocols: ['tcp', 'udp'], ports: '1:65535', uids: '0' }],
    ['tcp:*:0', { protocols: ['tcp'], ports: '1:65535', uids: '0' }],
    ['123', { protocols: ['tcp', 'udp'], ports: '1:65535', uids: '123' }],
    ['53,3000-5000:106-108', { protocols: ['tcp', 'udp'], ports: '53,3000:5000', uids: '106:108' }],
    [' UDP , tcp ::5', { protocols: ['udp', 'tcp'], ports: '1:65535', uids: '5' }],
    ['0:1', { protocols: ['tcp', 'udp'], ports: '0', uids: '1' }],
  ])('%j', (rule, value) => {
    expect(parseUidExclusion(rule)).toEqual({ ok: true, value });
  });
});

describe('addresses, vnet and executables', () => {
  it.each([
    ['10.0.0.1,192.168.0.0/24,fe80::1', []],
    [' 10.0.0.1 , ', []],
    ['fd00::/8', []],
    [
      '010.0.0.1',
      [
        "invalid IP address: '010.0.0.1'. Expected format: <ip> or <ip>/<prefix-length> (e.g. 10.0.0.1, 172.16.0.0/16, fe80::/10)",
      ],
    ],
    [
      'fe80::1%eth0',
      [
        "invalid IP address: 'fe80::1%eth0'. Expected format: <ip> or <ip>/<prefix-length> (e.g. 10.0.0.1, 172.16.0.0/16, fe80::/10)",
      ],
    ],
    ['  ', ['invalid exclusion rule: the rule cannot be empty']],
  ])('excluded IPs %j', (entry, messages) => {
    expect(checkExcludedIpsEntry(entry)).toEqual(messages);
  });

  it('splits vnet entries at the first colon', () => {
    expect(parseVnetNetwork('iface:::1/64')).toEqual({
      ok: true,
      value: { iface: 'iface', cidr: '::1/64', family: 6 },
    });
    expect(parseVnetNetwork('br+:172.18.0.0/16')).toEqual({
      ok: true,
      value: { iface: 'br+', cidr: '172.18.0.0/16', family: 4 },
    });
    // Filed under IPv4 like the generator does (Go's To4), so the duplicate-interface lint sees what kumactl keeps.
    expect(parseVnetNetwork('eth0:::ffff:10.0.0.0/104')).toEqual({
      ok: true,
      value: { iface: 'eth0', cidr: '::ffff:10.0.0.0/104', family: 4 },
    });
  });

  it.each([
    ['/usr//sbin/../bin/./iptables/', '/usr/bin/iptables'],
    ['', '.'],
    ['../a/..', '..'],
    ['/..', '/'],
  ])('cleanPath(%j) = %j', (p, expected) => {
    expect(cleanPath(p)).toBe(expected);
  });

  it('parses name:path lists', () => {
    expect(parseExecutablesSetting('iptables:/a//b,ip6tables-save:/c,foo:/d')).toEqual({
      value: { iptables: '/a/b', 'ip6tables-save': '/c' },
      messages: [
        "unsupported executable name 'foo' (supported: iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save, ip6tables-restore)",
      ],
    });
  });
});
