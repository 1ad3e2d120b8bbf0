import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { formatKumactlStderr, loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { KUMA_GOLDEN_CASES, type KumaGoldenCase } from '../support/kuma-golden.js';

const named = (prefix: string) =>
  Object.entries(KUMA_GOLDEN_CASES).filter(([n, c]) => n.startsWith(prefix) && c.command);

// The kumactl test machine and the distro containers: root exists; the distros add kuma-dp with UID 5678.
const USERS = { root: 0, 'kuma-dp': 5678 };
const run = (c: KumaGoldenCase) =>
  loadKumactlConfig({
    argv: c.command!,
    env: {},
    // The distro test pipes `echo "<stdin>"`, which adds one newline.
    stdin: c.stdin === '' ? undefined : `${c.stdin}\n`,
    users: USERS,
    readSource: (path) => {
      const text = c.files[path];
      if (text === undefined) throw new Error(`open ${path}: no such file or directory`);
      return text;
    },
  });

describe('kumactl-error vectors from cases.json', () => {
  it.each(named('kumactl-error/'))('%s gives kumactl stderr', (_name, c) => {
    const stderr = formatKumactlStderr(run(c).errors);
    if (c.expected_stderr !== undefined) expect(stderr).toBe(c.expected_stderr);
    else expect(stderr).toContain(c.expected_stderr_contains);
  });
});

describe('success vectors from cases.json', () => {
  it.each([...named('kumactl/'), ...named('distro/')])('%s parses and loads without error', (_name, c) => {
    const r = run(c);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.issues).toEqual([]);
  });

  it('kumactl/overrides-ipv4: the golden flags give the overrides config', () => {
    const { config, uid } = run(KUMA_GOLDEN_CASES['kumactl/overrides-ipv4']!);
    const expected = defaultTproxyConfig();
    expected.dryRun = true;
    expected.ipFamilyMode = 'ipv4';
    expected.kumaDPUser = 'root';
    expected.redirect.outbound.port = 12345;
    expected.redirect.inbound.port = 12346;
    expected.redirect.outbound.excludePorts = [2000, 2001];
    expected.redirect.inbound.excludePorts = [1000, 1001];
    expect(config).toEqual(expected);
    expect(uid).toBe('0');
  });

  it('kumactl/dns-skip-conntrack-zone-split: captureAll forces DNS redirection on', () => {
    const { config, uid } = run(KUMA_GOLDEN_CASES['kumactl/dns-skip-conntrack-zone-split']!);
    expect(config.redirect.dns).toEqual({
      ...defaultTproxyConfig().redirect.dns,
      enabled: true,
      captureAll: true,
      port: 12345,
      skipConntrackZoneSplit: true,
    });
    expect(uid).toBe('0');
  });

  it('kumactl/excludedports: repeated --exclude-outbound-ports-for-uids append, not comma-split', () => {
    expect(run(KUMA_GOLDEN_CASES['kumactl/excludedports']!).config.redirect.outbound.excludePortsForUIDs).toEqual([
      'tcp:1900,1902,1000-2000:106-108',
      'tcp:2900,2902,3000-5000:203',
      'udp:3900,3902,4000-6000:303',
    ]);
  });

  it('distro/with-multiple-flags: every list flag collected in order', () => {
    const { config, uid } = run(KUMA_GOLDEN_CASES['distro/with-multiple-flags']!);
    expect(uid).toBe('5678');
    expect(config.redirect.vnet.networks).toEqual(['docker0:172.17.0.0/16', 'br+:172.18.0.0/16', 'iface:::1/64']);
    expect(config.redirect.outbound.excludePortsForIPs).toEqual(['10.0.0.1,192.168.0.0/24,fe80::1', 'fd00::/8']);
    expect(config.redirect.inbound.excludePortsForIPs).toEqual([
      '192.168.0.1,172.32.16.8/16,fe80::/10',
      'a81b:a033:6399:73c7:72b6:aa8c:6f22:7098',
    ]);
    expect(config.redirect.outbound.excludePorts).toEqual([1, 22, 333]);
    expect(config.redirect.inbound.excludePorts).toEqual([4444, 55555]);
    expect(config.redirect.outbound.excludePortsForUIDs).toEqual(['53,3000-5000:106-108']);
    expect(config.redirect.dns).toMatchObject({ enabled: true, captureAll: true });
  });

  it('distro/with-multiple-config-flags: files then stdin, stdin lists win', () => {
    const { config } = run(KUMA_GOLDEN_CASES['distro/with-multiple-config-flags']!);
    expect(config.redirect.dns).toMatchObject({ enabled: true, captureAll: true, port: 8888 });
    expect(config.redirect.inbound.excludePorts).toEqual([4444, 55555]);
    expect(config.redirect.outbound.excludePortsForIPs).toEqual(['10.0.0.1,192.168.0.0/24,fe80::1', 'fd00::/8']);
    expect(config.kumaDPUser).toBe('kuma-dp');
  });
});
