import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tproxyConfigFileSchema } from '../../src/tproxy/config-schema.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { formatTproxyConfigYaml, yamlString } from '../../src/tproxy/format-config.js';
import { loadTproxyConfigSources } from '../../src/tproxy/load-config.js';

const reload = (config: TproxyConfig) =>
  loadTproxyConfigSources([{ file: 'out.yaml', text: formatTproxyConfigYaml(config) }]);

describe('formatTproxyConfigYaml', () => {
  it('writes the defaults as a complete kumactl file, without chain names and eBPF', () => {
    expect(formatTproxyConfigYaml(defaultTproxyConfig())).toBe(`kumaDPUser: ""
ipFamilyMode: dualstack
redirect:
  inbound:
    enabled: true
    port: 15006
    includePorts: []
    excludePorts: []
    excludePortsForIPs: []
    excludePortsForUIDs: []
    insertRedirectInsteadOfAppend: false
  outbound:
    enabled: true
    port: 15001
    includePorts: []
    excludePorts: []
    excludePortsForIPs: []
    excludePortsForUIDs: []
    insertRedirectInsteadOfAppend: false
  dns:
    enabled: false
    captureAll: false
    port: 15053
    skipConntrackZoneSplit: false
    resolvConfigPath: /etc/resolv.conf
  vnet:
    networks: []
dropInvalidPackets: false
comments:
  disabled: false
log:
  enabled: false
  level: 7
retry:
  maxRetries: 4
  sleepBetweenRetries: 2s
wait: 5
waitInterval: 0
iptablesExecutables: {}
storeFirewalld: false
verbose: false
dryRun: false
cniMode: false
`);
  });

  it('keeps ports unquoted, ipFamilyMode verbatim and quotes strings YAML 1.1 would misread', () => {
    const c = defaultTproxyConfig();
    c.ipFamilyMode = 'IPv4';
    c.kumaDPUser = '5678';
    c.redirect.inbound.excludePorts = [22, 80];
    c.redirect.outbound.excludePortsForUIDs = ['1', 'tcp:22:1000-1002'];
    c.redirect.vnet.networks = ['iface:::1/64'];
    c.iptablesExecutables = { iptables: '/usr/sbin/iptables' };
    const text = formatTproxyConfigYaml(c);
    expect(text).toContain('kumaDPUser: "5678"\nipFamilyMode: IPv4\n');
    expect(text).toContain('    excludePorts: [22, 80]\n');
    expect(text).toContain('    excludePortsForUIDs:\n      - "1"\n      - "tcp:22:1000-1002"\n');
    expect(text).toContain('    networks:\n      - "iface:::1/64"\n');
    expect(text).toContain('iptablesExecutables:\n  iptables: /usr/sbin/iptables\n');
    expect(reload(c)).toEqual({ config: c, issues: [] });
  });

  it.each([
    ['yes', '"yes"'],
    ['y', '"y"'],
    ['0o17', '"0o17"'],
    ['1_000', '"1_000"'],
    ['null', '"null"'],
    ['', '""'],
    ['.5', '".5"'],
    ['1:20', '"1:20"'],
    ['kuma-dp', 'kuma-dp'],
    ['2s', '2s'],
    ['/etc/resolv.conf', '/etc/resolv.conf'],
    ['a #b', '"a #b"'],
  ])('yamlString(%j) = %s', (s, expected) => {
    expect(yamlString(s)).toBe(expected);
  });

  it('writes eBPF settings only when they differ from the defaults', () => {
    const c = defaultTproxyConfig();
    c.ebpf.enabled = true;
    expect(formatTproxyConfigYaml(c)).toContain('ebpf:\n  enabled: true\n  instanceIP: ""\n');
    expect(reload(c).config).toEqual(c);
  });

  it('round-trips: loading the formatted YAML gives the same config', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'Y', '1', '0', '.', ':', '-', ' ', '#', '"', "'", 'é', '\n', '_', 'x'),
    });
    const port = fc.integer({ min: 1, max: 65535 });
    fc.assert(
      fc.property(
        fc.record({
          kumaDPUser: text,
          ipFamilyMode: fc.constantFrom('ipv4', 'dualstack', 'IPv4', 'DualStack'),
          port,
          ports: fc.array(port, { maxLength: 4 }),
          strings: fc.array(text, { maxLength: 3 }),
          flag: fc.boolean(),
          wait: fc.nat(),
          sleep: fc.constantFrom('2s', '1m30s', '500ms', '0'),
          path: text,
        }),
        (r) => {
          const c = defaultTproxyConfig();
          c.kumaDPUser = r.kumaDPUser;
          c.ipFamilyMode = r.ipFamilyMode;
          c.redirect.outbound.port = r.port;
          c.redirect.inbound.includePorts = r.ports;
          c.redirect.outbound.excludePortsForIPs = r.strings; // not validated here: round-trip only
          c.redirect.dns.resolvConfigPath = r.path;
          c.redirect.dns.captureAll = r.flag;
          c.wait = r.wait;
          c.retry.sleepBetweenRetries = r.sleep;
          const back = reload(c);
          expect(back.config).toEqual(c);
          expect(back.issues.filter((i) => i.code.startsWith('tproxy.yaml') || i.code === 'tproxy.type')).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('tproxyConfigFileSchema', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the generated JSON Schema is walked dynamically in assertions
  const json = z.toJSONSchema(tproxyConfigFileSchema, { io: 'input' }) as Record<string, any>;

  it('makes every field optional, with kumactl defaults and descriptions', () => {
    expect(json.required).toBeUndefined();
    expect(json.properties.redirect.required).toBeUndefined();
    expect(json.properties.redirect.properties.dns.properties.port).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 15053,
    });
    expect(json.properties.wait).toMatchObject({ type: 'integer', default: 5, description: expect.any(String) });
    expect(json.properties.retry.properties.sleepBetweenRetries.default).toBe('2s');
  });

  it('types ports as integers and Ports as a list of int|string, an int or a string', () => {
    const ports = json.properties.redirect.properties.outbound.properties.excludePorts;
    expect(ports.anyOf.map((a: { type: string }) => a.type)).toEqual(['array', 'integer', 'string']);
    expect(ports.anyOf[0].items.anyOf.map((a: { type: string }) => a.type)).toEqual(['integer', 'string']);
  });

  it('accepts the formatted defaults and flags quoted ports and typos', () => {
    expect(tproxyConfigFileSchema.safeParse({ redirect: { inbound: { port: 15006 } } }).success).toBe(true);
    expect(tproxyConfigFileSchema.safeParse({ redirect: { inbound: { port: '15006' } } }).success).toBe(false);
    expect(tproxyConfigFileSchema.safeParse({ waitt: 1 }).success).toBe(false);
  });
});
