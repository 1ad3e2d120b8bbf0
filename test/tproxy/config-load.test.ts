import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { loadTproxyConfigSources } from '../../src/tproxy/load-config.js';
import { KUMA_GOLDEN_CASES } from '../support/kuma-golden.js';

const load = (...texts: string[]) =>
  loadTproxyConfigSources(texts.map((text, i) => ({ file: `f${i + 1}.yaml`, text })));

describe('loadTproxyConfigSources merge semantics', () => {
  it('distro/with-multiple-config-flags: /1.yaml, /2.yaml, then stdin (echo adds a newline)', () => {
    const c = KUMA_GOLDEN_CASES['distro/with-multiple-config-flags']!;
    const sources = c.flags
      .filter((_, i) => c.flags[i - 1] === '--config')
      .map((file) => ({ file, text: file === '-' ? `${c.stdin}\n` : c.files[file]! }));
    expect(sources.map((s) => s.file)).toEqual(['/1.yaml', '/2.yaml', '-']);
    const { config, issues } = loadTproxyConfigSources(sources);
    expect(issues).toEqual([]);
    expect(config.redirect.dns).toMatchObject({ enabled: true, captureAll: true, port: 8888 });
    expect(config.redirect.inbound.excludePorts).toEqual([4444, 55555]);
    expect(config.redirect.inbound.excludePortsForIPs).toEqual([
      '192.168.0.1,172.32.16.8/16,fe80::/10',
      'a81b:a033:6399:73c7:72b6:aa8c:6f22:7098',
    ]);
    expect(config.redirect.outbound.excludePortsForIPs).toEqual(['10.0.0.1,192.168.0.0/24,fe80::1', 'fd00::/8']);
    expect(config.redirect.outbound.excludePortsForUIDs).toEqual(['1', '2-3:4-5']);
    expect(config.redirect.outbound.excludePorts).toEqual([6, 77, 888]);
    expect(config.redirect.vnet.networks).toEqual([
      'docker2:10.0.0.0/8',
      'docker0:172.17.0.0/16',
      'br+:172.18.0.0/16',
      'iface:::1/64',
    ]);
  });

  it.each([
    [
      'lists replace, never append',
      'redirect: {inbound: {excludePorts: [1, 2]}}',
      'redirect: {inbound: {excludePorts: [3]}}',
      'redirect.inbound.excludePorts',
      [3],
    ],
    [
      'an empty list replaces too',
      'redirect: {vnet: {networks: ["a:10.0.0.0/8"]}}',
      'redirect: {vnet: {networks: []}}',
      'redirect.vnet.networks',
      [],
    ],
    [
      'null empties a []string',
      'redirect: {outbound: {excludePortsForIPs: [10.0.0.1]}}',
      'redirect: {outbound: {excludePortsForIPs: ~}}',
      'redirect.outbound.excludePortsForIPs',
      [],
    ],
    [
      'nested objects merge field by field',
      'redirect: {dns: {port: 7777}}',
      'redirect: {dns: {enabled: true}}',
      'redirect.dns.port',
      7777,
    ],
    ['a later scalar overwrites', 'wait: 3', 'wait: 9', 'wait', 9],
    [
      'null leaves a bool as it was',
      'dropInvalidPackets: true',
      'dropInvalidPackets: null',
      'dropInvalidPackets',
      true,
    ],
    ['null leaves a string as it was', 'kumaDPUser: app', 'kumaDPUser:', 'kumaDPUser', 'app'],
    ['null into a struct has no effect', 'redirect: {dns: {port: 7777}}', 'redirect: null', 'redirect.dns.port', 7777],
    ['null resets ipFamilyMode to dualstack', 'ipFamilyMode: ipv4', 'ipFamilyMode:', 'ipFamilyMode', 'dualstack'],
    ['"" means dualstack', 'ipFamilyMode: ipv4', 'ipFamilyMode: ""', 'ipFamilyMode', 'dualstack'],
    [
      'executables merge key by key',
      'iptablesExecutables: {iptables: /a}',
      'iptablesExecutables: {iptables-save: /b}',
      'iptablesExecutables',
      { iptables: '/a', 'iptables-save': '/b' },
    ],
    ['an empty file changes nothing', 'wait: 3', '# only a comment\n', 'wait', 3],
  ])('%s', (_name, first, second, path, expected) => {
    const { config, issues } = load(first, second);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config)).toEqual(expected);
  });

  it('JSON sources work like YAML', () => {
    const { config, issues } = load(
      '{"redirect": {"inbound": {"port": 16000, "excludePorts": "1,2"}}, "verbose": true}',
    );
    expect(issues).toEqual([]);
    expect(config.redirect.inbound.port).toBe(16000);
    expect(config.redirect.inbound.excludePorts).toEqual([1, 2]);
    expect(config.verbose).toBe(true);
  });

  it('starts from the given base instead of the defaults', () => {
    const base = defaultTproxyConfig();
    base.wait = 42;
    expect(loadTproxyConfigSources([{ file: 'a', text: 'verbose: true' }], base).config.wait).toBe(42);
    expect(base.verbose).toBe(false);
  });
});

describe('keys and scalars as sigs.k8s.io/yaml and encoding/json read them', () => {
  it.each([
    ['KumaDpUser: app', 'kumaDPUser', 'app'],
    ['REDIRECT: {INBOUND: {PORT: 1234}}', 'redirect.inbound.port', 1234],
    ['redirect: {dns: {captureall: on}}', 'redirect.dns.captureAll', true],
    ['verbose: yes', 'verbose', true],
    ['verbose: Y', 'verbose', true],
    ['dropInvalidPackets: ON', 'dropInvalidPackets', true],
    ['redirect: {inbound: {enabled: off}}', 'redirect.inbound.enabled', false],
    ['redirect: {inbound: {enabled: n}}', 'redirect.inbound.enabled', false],
    ['kumaDPUser: 5678', 'kumaDPUser', '5678'],
    ['kumaDPUser: 5678.0', 'kumaDPUser', '5678'],
    ['kumaDPUser: yes', 'kumaDPUser', 'true'],
    ['kumaDPUser: 0x10', 'kumaDPUser', '16'],
    ['redirect: {outbound: {excludePortsForUIDs: [1, 2-3]}}', 'redirect.outbound.excludePortsForUIDs', ['1', '2-3']],
    ['redirect: {inbound: {port: 0x3A9E}}', 'redirect.inbound.port', 15006],
    ['redirect: {inbound: {port: 015006}}', 'redirect.inbound.port', 6662],
    ['redirect: {inbound: {port: 15_006}}', 'redirect.inbound.port', 15006],
    ['redirect: {inbound: {port: 15006.0}}', 'redirect.inbound.port', 15006],
    ['redirect: {inbound: {excludePorts: 22}}', 'redirect.inbound.excludePorts', [22]],
    ['redirect: {inbound: {excludePorts: "22, ,80,"}}', 'redirect.inbound.excludePorts', [22, 80]],
    ['redirect: {inbound: {excludePorts: ["22,23", 80]}}', 'redirect.inbound.excludePorts', [22, 23, 80]],
    ['redirect: {inbound: {includePorts: [8080, true, {a: 1}]}}', 'redirect.inbound.includePorts', [8080]],
    ['ipFamilyMode: IPv4', 'ipFamilyMode', 'IPv4'],
    ['retry: {sleepBetweenRetries: 1500ms}', 'retry.sleepBetweenRetries', '1500ms'],
    ['retry: {sleepBetweenRetries: 2000000000}', 'retry.sleepBetweenRetries', '2s'],
    ['retry: {sleepBetweenRetries: 90000000000}', 'retry.sleepBetweenRetries', '1m30s'],
    [
      'iptablesExecutables: {iptables: /usr//sbin/./iptables/}',
      'iptablesExecutables',
      { iptables: '/usr/sbin/iptables' },
    ],
    ['log: {level: 4.0}', 'log.level', 4],
    ['base: &b {port: 1111}\nredirect: {dns: *b}', 'redirect.dns.port', 1111],
    [
      'redirect:\n  dns:\n    <<: {port: 1111, enabled: true}\n    port: 2222',
      'redirect.dns',
      expect.objectContaining({ port: 2222, enabled: true }),
    ],
    ['wait: 3\n---\nwait: 4', 'wait', 3],
  ])('%j → %s', (text, path, expected) => {
    const { config, issues } = load(text);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config)).toEqual(expected);
  });

  it('of two keys differing only in case, the one sorting last wins (Go sorts map keys)', () => {
    const { config, issues } = load('wait: 1\nWait: 2');
    expect(config.wait).toBe(1);
    expect(issues.map((i) => i.code).sort()).toEqual(['tproxy.key.case', 'tproxy.key.duplicate']);
  });

  it('a repeated key keeps its last value', () => {
    const { config, issues } = load('wait: 1\nwait: 2');
    expect(config.wait).toBe(2);
    expect(issues).toMatchObject([{ severity: 'warning', code: 'tproxy.key.duplicate', line: 1, path: 'wait' }]);
  });

  it('warns about unknown keys with a did-you-mean, and about non-canonical case', () => {
    const { issues } = load('redirect:\n  inbound:\n    prot: 1\n    chainName: X\n  DNS:\n    enabled: true\n');
    expect(issues).toEqual([
      {
        severity: 'warning',
        code: 'tproxy.key.case',
        file: 'f1.yaml',
        line: 5,
        path: 'redirect.dns',
        message: "key 'DNS' matches 'dns' only because kumactl ignores case",
        hint: "write it as 'dns'",
      },
      expect.objectContaining({ code: 'tproxy.key.unknown', line: 4, path: 'redirect.inbound.chainName' }),
      {
        severity: 'warning',
        code: 'tproxy.key.unknown',
        file: 'f1.yaml',
        line: 3,
        path: 'redirect.inbound.prot',
        message: "unknown key 'prot' is ignored by kumactl",
        hint: "did you mean 'port'?",
      },
    ]);
  });

  it('warns that a later YAML document is ignored', () => {
    expect(load('wait: 3\n---\nwait: 4').issues).toMatchObject([
      { severity: 'warning', code: 'tproxy.yaml.ignored-document', line: 2 },
    ]);
  });

  it('warns that kumactl drops non-number list items of a Ports field', () => {
    expect(load('redirect:\n  inbound:\n    includePorts:\n      - 8080\n      - true\n').issues).toMatchObject([
      { severity: 'warning', code: 'tproxy.ports.item-dropped', line: 5, path: 'redirect.inbound.includePorts[1]' },
    ]);
  });
});
