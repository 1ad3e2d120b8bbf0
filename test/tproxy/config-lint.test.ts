import { describe, expect, it } from 'vitest';
import { checkTproxyConfigSources } from '../../src/tproxy/check-config.js';
import { lintTproxyConfig } from '../../src/tproxy/lint-config.js';
import { loadTproxyConfigSources } from '../../src/tproxy/load-config.js';

const lint = (text: string) => {
  const sources = [{ file: 'tproxy.yaml', text }];
  return lintTproxyConfig(loadTproxyConfigSources(sources).config, sources);
};

describe('lintTproxyConfig: the REFERENCE §8 traps', () => {
  it.each([
    ['ipFamilyMode: IPv4', 'error', 'tproxy.ip-family-mode.case', 1, 'ipFamilyMode'],
    ['ipFamilyMode: IPV4', 'error', 'tproxy.ip-family-mode.case', 1, 'ipFamilyMode'],
    ['ipFamilyMode: DualStack', 'warning', 'tproxy.ip-family-mode.case', 1, 'ipFamilyMode'],
    [
      'redirect:\n  inbound:\n    excludePortsForUIDs: ["1000"]',
      'error',
      'tproxy.inbound.exclude-uids',
      3,
      'redirect.inbound.excludePortsForUIDs',
    ],
    ['Wait: 3', 'warning', 'tproxy.key.case', 1, 'wait'],
    ['waitt: 3', 'warning', 'tproxy.key.unknown', 1, 'waitt'],
    [
      'redirect:\n  dns: {enabled: true}\n  vnet:\n    networks:\n      - docker0:172.17.0.0/16\n      - docker0:172.18.0.0/16',
      'warning',
      'tproxy.vnet.duplicate-interface',
      5,
      'redirect.vnet.networks[0]',
    ],
    [
      'redirect:\n  vnet:\n    networks: ["docker0:172.17.0.0/16"]',
      'warning',
      'tproxy.vnet.dns-redirect',
      3,
      'redirect.vnet.networks',
    ],
    ['wait: 0', 'warning', 'tproxy.wait.zero', 1, 'wait'],
    ['log:\n  level: 8', 'warning', 'tproxy.log.level', 2, 'log.level'],
    ['comments:\n  disabled: true', 'warning', 'tproxy.comments.disabled', 2, 'comments.disabled'],
    ['storeFirewalld: true', 'warning', 'tproxy.store-firewalld', 1, 'storeFirewalld'],
    ['cniMode: true', 'warning', 'tproxy.cni-mode', 1, 'cniMode'],
    ['dryRun: true', 'warning', 'tproxy.dry-run', 1, 'dryRun'],
    ['ebpf:\n  enabled: true', 'error', 'tproxy.ebpf.enabled', 2, 'ebpf.enabled'],
    [
      'iptablesExecutables:\n  iptables: /sbin/iptables',
      'warning',
      'tproxy.executables.incomplete',
      2,
      'iptablesExecutables',
    ],
    [
      'redirect:\n  dns:\n    enabled: false\n    captureAll: true',
      'warning',
      'tproxy.dns.capture-all-forces-enabled',
      3,
      'redirect.dns.enabled',
    ],
    [
      'redirect:\n  outbound:\n    excludePortsForUIDs: ["tcp:22:1000-70000"]',
      'error',
      'tproxy.exclude-uids.uid-range',
      3,
      'redirect.outbound.excludePortsForUIDs[0]',
    ],
  ])('%j', (text, severity, code, line, path) => {
    expect(lint(text)).toEqual([
      { severity, code, file: 'tproxy.yaml', line, path, message: expect.any(String), hint: expect.any(String) },
    ]);
  });

  it.each([
    ['', []],
    [
      'ipFamilyMode: ipv4\nredirect:\n  dns: {enabled: true}\n  vnet: {networks: ["docker0:172.17.0.0/16", "docker0:fd00::/8"]}',
      [],
    ],
    ['redirect:\n  dns:\n    captureAll: true\n  vnet: {networks: ["br+:172.18.0.0/16"]}', []],
    ['iptablesExecutables: {iptables: /a, iptables-save: /b, iptables-restore: /c}', []],
    ['dryRun: false\nwait: 1\nlog: {level: 7}', []],
  ])('no issue for %j', (text, expected) => {
    expect(lint(text)).toEqual(expected);
  });

  it('uses kumactl texts where kumactl has one', () => {
    expect(lint('iptablesExecutables:\n  ip6tables: /a\n  ip6tables-save: /b')[0]?.message).toBe(
      'provided incomplete executables configuration for IPv6 (missing ip6tables-restore) will be ignored',
    );
    expect(lint('redirect:\n  outbound:\n    excludePortsForUIDs: ["80:65536"]')[0]?.message).toBe(
      "parsing excluded outbound ports for uids failed: invalid uid entry: validation failed for value or range '65536': invalid uint16 value: '65536'",
    );
  });

  it('points at the source that set the effective value', () => {
    const sources = [
      { file: 'a.yaml', text: 'ipFamilyMode: IPv4' },
      { file: 'b.yaml', text: 'wait: 1\nipFamilyMode: IPV4' },
    ];
    const issues = lintTproxyConfig(loadTproxyConfigSources(sources).config, sources);
    expect(issues).toMatchObject([{ code: 'tproxy.ip-family-mode.case', file: 'b.yaml', line: 2 }]);
  });

  it('reports a value that came from no source against the last file, without a line', () => {
    const { config } = loadTproxyConfigSources([]);
    config.cniMode = true;
    const issues = lintTproxyConfig(config, [{ file: 'a.yaml', text: 'wait: 5' }]);
    expect(issues).toMatchObject([{ code: 'tproxy.cni-mode', file: 'a.yaml', path: 'cniMode' }]);
    expect(issues[0]).not.toHaveProperty('line');
  });

  it('checkTproxyConfigSources reports loader and lint issues once', () => {
    const { issues } = checkTproxyConfigSources([
      { file: 'a.yaml', text: 'Wait: 0\nredirect:\n  outbound:\n    excludePortsForUIDs: ["22:70000"]' },
    ]);
    expect(issues.map((i) => i.code).sort()).toEqual([
      'tproxy.exclude-uids.uid-range',
      'tproxy.key.case',
      'tproxy.wait.zero',
    ]);
  });
});
