import { describe, expect, it } from 'vitest';
import { loadTproxyConfigSources } from '../../src/tproxy/load-config.js';

const errorsOf = (text: string) =>
  loadTproxyConfigSources([{ file: 'tproxy.yaml', text }]).issues.filter((i) => i.severity === 'error');

const PORT = (raw: string) => `value '${raw}' is not a valid port (uint16 in the range [1, 65535])`;
const UIDS = 'parsing excluded outbound ports for uids failed: ';

describe('errors with kumactl messages', () => {
  it.each([
    ['redirect:\n  inbound:\n    port: "15006"', 'tproxy.port.invalid', 3, 'redirect.inbound.port', PORT('"15006"')],
    ["redirect:\n  inbound:\n    port: '15006'", 'tproxy.port.invalid', 3, 'redirect.inbound.port', PORT('"15006"')],
    ['redirect:\n  outbound:\n    port: 0', 'tproxy.port.invalid', 3, 'redirect.outbound.port', PORT('0')],
    ['redirect:\n  dns:\n    port: 65536', 'tproxy.port.invalid', 3, 'redirect.dns.port', PORT('65536')],
    ['redirect:\n  dns:\n    port: -1', 'tproxy.port.invalid', 3, 'redirect.dns.port', PORT('-1')],
    ['redirect:\n  dns:\n    port: 1.5', 'tproxy.port.invalid', 3, 'redirect.dns.port', PORT('1.5')],
    ['redirect:\n  dns:\n    port:', 'tproxy.port.invalid', 3, 'redirect.dns.port', PORT('null')],
    [
      'redirect:\n  dns:\n    port: "<&>"',
      'tproxy.port.invalid',
      3,
      'redirect.dns.port',
      PORT('"\\u003c\\u0026\\u003e"'),
    ],
    ['redirect:\n  dns:\n    port: [1, 2]', 'tproxy.port.invalid', 3, 'redirect.dns.port', PORT('[1,2]')],
    [
      'redirect:\n  dns:\n    port: {b: 1, a: x}',
      'tproxy.port.invalid',
      3,
      'redirect.dns.port',
      PORT('{"a":"x","b":1}'),
    ],
    [
      'redirect:\n  inbound:\n    excludePorts: "1000-2000"',
      'tproxy.ports.invalid',
      3,
      'redirect.inbound.excludePorts',
      PORT('1000-2000'),
    ],
    [
      'redirect:\n  inbound:\n    excludePorts:\n      - 22\n      - 0',
      'tproxy.ports.invalid',
      5,
      'redirect.inbound.excludePorts[1]',
      PORT('0'),
    ],
    [
      'redirect:\n  inbound:\n    excludePorts:',
      'tproxy.ports.invalid',
      3,
      'redirect.inbound.excludePorts',
      PORT('null'),
    ],
    [
      'redirect:\n  outbound:\n    includePorts: 70000',
      'tproxy.ports.invalid',
      3,
      'redirect.outbound.includePorts',
      PORT('70000'),
    ],
    ['ipFamilyMode: ipv6', 'tproxy.ip-family-mode.invalid', 1, 'ipFamilyMode', "must be one of 'dualstack' or 'ipv4'"],
    [
      'retry:\n  sleepBetweenRetries: 2 s',
      'tproxy.duration.invalid',
      2,
      'retry.sleepBetweenRetries',
      'time: unknown unit " s" in duration "2 s"',
    ],
    [
      'retry:\n  sleepBetweenRetries: soon',
      'tproxy.duration.invalid',
      2,
      'retry.sleepBetweenRetries',
      'time: invalid duration "soon"',
    ],
    [
      'retry:\n  sleepBetweenRetries: "2"',
      'tproxy.duration.invalid',
      2,
      'retry.sleepBetweenRetries',
      'time: missing unit in duration "2"',
    ],
    [
      'retry:\n  sleepBetweenRetries: 2d',
      'tproxy.duration.invalid',
      2,
      'retry.sleepBetweenRetries',
      'time: unknown unit "d" in duration "2d"',
    ],
    [
      'retry:\n  sleepBetweenRetries: true',
      'tproxy.duration.invalid',
      2,
      'retry.sleepBetweenRetries',
      'invalid duration',
    ],
    ['retry:\n  sleepBetweenRetries:', 'tproxy.duration.invalid', 2, 'retry.sleepBetweenRetries', 'invalid duration'],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["a3000-5000:1"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid port range: validation failed for value or range 'a3000-5000': invalid uint16 value: 'a3000'`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["http:3000-5000:1"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid or unsupported protocol: 'http'`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["tcp,http:1:1"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid or unsupported protocol: 'http'`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["3000-5000:1:*"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}wildcard '*' is not allowed for UIDs`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["3000-5000:1:1,2,3"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid UID entry: '1,2,3'. It should either be a single item or a range`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["1:2:3:4"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid format for excluding ports by uids: '1:2:3:4'. Expected format: <protocol:>?<ports:>?<uids>`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["tcp:22:"]',
      'tproxy.exclude-uids.invalid',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid uid entry: validation failed for value or range '': invalid uint16 value: ''`,
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["22:70000"]',
      'tproxy.exclude-uids.uid-range',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
      `${UIDS}invalid uid entry: validation failed for value or range '70000': invalid uint16 value: '70000'`,
    ],
    [
      'redirect:\n  inbound:\n    excludePortsForIPs: [""]',
      'tproxy.exclude-ips.invalid',
      3,
      'redirect.inbound.excludePortsForIPs[0]',
      'invalid exclusion rule: the rule cannot be empty',
    ],
    [
      'redirect:\n  inbound:\n    excludePortsForIPs: ["10.0.0.1, 10.0.0.256"]',
      'tproxy.exclude-ips.invalid',
      3,
      'redirect.inbound.excludePortsForIPs[0]',
      "invalid IP address: '10.0.0.256'. Expected format: <ip> or <ip>/<prefix-length> (e.g. 10.0.0.1, 172.16.0.0/16, fe80::/10)",
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForIPs: ["10.0.0.0/33"]',
      'tproxy.exclude-ips.invalid',
      3,
      'redirect.outbound.excludePortsForIPs[0]',
      "invalid IP address: '10.0.0.0/33'. Expected format: <ip> or <ip>/<prefix-length> (e.g. 10.0.0.1, 172.16.0.0/16, fe80::/10)",
    ],
    [
      'redirect:\n  vnet:\n    networks: ["docker0"]',
      'tproxy.vnet.invalid',
      3,
      'redirect.vnet.networks[0]',
      "invalid virtual network 'docker0': expected <interface>:<CIDR>, e.g. docker0:172.17.0.0/16",
    ],
    [
      'redirect:\n  vnet:\n    networks: ["docker0:172.17.0.1"]',
      'tproxy.vnet.invalid',
      3,
      'redirect.vnet.networks[0]',
      "invalid virtual network 'docker0:172.17.0.1': '172.17.0.1' is not a CIDR (an address/prefix-length is required)",
    ],
    [
      'iptablesExecutables:\n  iptables-nft: /usr/sbin/iptables-nft',
      'tproxy.executables.name',
      2,
      'iptablesExecutables.iptables-nft',
      "unsupported executable name 'iptables-nft' (supported: iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save, ip6tables-restore)",
    ],
  ])('%j', (text, code, line, path, message) => {
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({ code, file: 'tproxy.yaml', line, path, message, hint: expect.any(String) }),
    ]);
  });
});

describe('wrong types', () => {
  it.each([
    ['verbose: "true"', 'verbose', 'expected true or false, got the string "true"'],
    ['verbose: 1', 'verbose', 'expected true or false, got the number 1'],
    ['redirect:\n  inbound:\n    enabled: [true]', 'redirect.inbound.enabled', 'expected true or false, got a list'],
    ['kumaDPUser: [a]', 'kumaDPUser', 'expected a string, got a list'],
    ['wait: "5"', 'wait', 'expected a whole number of 0 or more, got the string "5"'],
    ['wait: -1', 'wait', 'expected a whole number of 0 or more, got the number -1'],
    ['waitInterval: 0.5', 'waitInterval', 'expected a whole number of 0 or more, got the number 0.5'],
    ['log:\n  level: 70000', 'log.level', 'expected a whole number from 0 to 65535, got the number 70000'],
    ['retry:\n  maxRetries: yes', 'retry.maxRetries', 'expected a whole number of 0 or more, got the boolean true'],
    ['ipFamilyMode: 4', 'ipFamilyMode', "expected 'dualstack' or 'ipv4', got the number 4"],
    [
      'redirect:\n  outbound:\n    excludePortsForIPs: 10.0.0.1',
      'redirect.outbound.excludePortsForIPs',
      'expected a list of strings, got the string "10.0.0.1"',
    ],
    ['redirect:\n  vnet:\n    networks: [{a: 1}]', 'redirect.vnet.networks[0]', 'expected a string, got a mapping'],
    ['redirect: 5', 'redirect', 'expected a mapping, got the number 5'],
    ['redirect:\n  dns: [1]', 'redirect.dns', 'expected a mapping, got a list'],
    ['- a\n- b', '', 'expected a mapping, got a list'],
    [
      'iptablesExecutables: /usr/sbin/iptables',
      'iptablesExecutables',
      'expected a mapping of executable names to paths',
    ],
  ])('%j', (text, path, message) => {
    expect(errorsOf(text)).toEqual([expect.objectContaining({ code: 'tproxy.type', path, message })]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorsOf('redirect:\n  inbound: {port: 1\nwait: 3')).toMatchObject([
      // The unclosed flow mapping opens on line 2; the parser notices on line 3, where `wait:` is not inside it.
      { code: 'tproxy.yaml.syntax', line: 3 },
    ]);
  });

  it('collects every problem, not only the first', () => {
    const errors = errorsOf(
      'redirect:\n  inbound:\n    port: "1"\n  outbound:\n    port: 0\n    excludePortsForUIDs: ["*:*:*", "x"]\nipFamilyMode: v6\nverbose: 1',
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      'ipFamilyMode',
      'redirect.inbound.port',
      'redirect.outbound.excludePortsForUIDs[0]',
      'redirect.outbound.excludePortsForUIDs[1]',
      'redirect.outbound.port',
      'verbose',
    ]);
  });

  it('a bad value leaves the field unchanged', () => {
    const { config } = loadTproxyConfigSources([{ file: 'a', text: 'redirect: {inbound: {port: "1"}}' }]);
    expect(config.redirect.inbound.port).toBe(15006);
  });
});
