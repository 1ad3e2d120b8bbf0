import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { applyKumactlFlags, parseKumactlInstallArgs } from '../../src/tproxy/kumactl-flags.js';
import { parseKumaVersion } from '../../src/versions.js';

const apply = (...argv: string[]) => {
  const args = parseKumactlInstallArgs(argv);
  const base = defaultTproxyConfig();
  base.redirect.outbound.excludePortsForIPs = ['10.0.0.0/8'];
  base.redirect.vnet.networks = ['docker0:172.17.0.0/16'];
  base.iptablesExecutables = { iptables: '/a' };
  const r = applyKumactlFlags(base, args.flags);
  return { ...r, args };
};

describe('parseKumactlInstallArgs', () => {
  it('splits config sources, --config-file and other flags, keeping order', () => {
    const a = parseKumactlInstallArgs([
      'kumactl',
      'install',
      'transparent-proxy',
      '--config',
      'a.yaml',
      '--dry-run',
      '--config=-',
      '--config-file',
      'base.yaml',
      '--wait=3',
    ]);
    expect(a).toEqual({
      configSources: ['a.yaml', '-'],
      configFile: 'base.yaml',
      flags: [
        { name: 'dry-run', value: 'true' },
        { name: 'wait', value: '3' },
      ],
      help: false,
      errors: [],
      warnings: [],
    });
  });

  it('does not split --config on commas', () => {
    expect(parseKumactlInstallArgs(['--config', 'a.yaml,b.yaml']).configSources).toEqual(['a.yaml,b.yaml']);
  });

  it.each([
    [['--foo'], 'unknown flag: --foo'],
    [['--foo=1'], 'unknown flag: --foo'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-hx'], "unknown shorthand flag: 'x' in -hx"],
    [['---wait'], 'bad flag syntax: ---wait'],
    [['--redirect-dns-port'], 'flag needs an argument: --redirect-dns-port'],
    [['--config-file', 'a'], undefined],
  ])('%j → %s', (argv, message) => {
    expect(parseKumactlInstallArgs(argv).errors).toEqual(message ? [message] : []);
  });

  it('takes the next word as the value even if it starts with a dash', () => {
    expect(parseKumactlInstallArgs(['--kuma-dp-user', '--dry-run']).flags).toEqual([
      { name: 'kuma-dp-user', value: '--dry-run' },
    ]);
  });

  it('warns that a bool flag does not take a separate value: the word is ignored', () => {
    const a = parseKumactlInstallArgs(['--redirect-dns', 'false']);
    expect(a.flags).toEqual([{ name: 'redirect-dns', value: 'true' }]);
    expect(a.warnings).toEqual([
      'argument "false" is ignored by kumactl (a bool flag takes a value only as --flag=value)',
    ]);
  });

  it('reads --help and -h', () => {
    expect(parseKumactlInstallArgs(['-h']).help).toBe(true);
    expect(parseKumactlInstallArgs(['--help']).help).toBe(true);
  });

  it('accepts the deprecated --kuma-dp-uid alias up to 2.14, with a warning', () => {
    const a = parseKumactlInstallArgs(['--kuma-dp-uid', '1000']);
    expect(a.flags).toEqual([{ name: 'kuma-dp-uid', value: '1000' }]);
    expect(a.warnings).toEqual(['Flag --kuma-dp-uid has been deprecated, please use --kuma-dp-user instead']);
    expect(applyKumactlFlags(defaultTproxyConfig(), a.flags).config.kumaDPUser).toBe('1000');
  });

  it.each(['--kuma-dp-uid', '--config-file', '--ebpf-enabled'])('%s is gone after 2.14', (flag) => {
    expect(parseKumactlInstallArgs([flag, 'x'], { version: parseKumaVersion('3.0.0') }).errors).toEqual([
      `unknown flag: ${flag}`,
    ]);
  });
});

describe('applyKumactlFlags (the second pass)', () => {
  it.each([
    [['--vnet', 'br+:172.18.0.0/16'], 'redirect.vnet.networks', ['br+:172.18.0.0/16']],
    [
      ['--vnet', 'a:10.0.0.0/8', '--vnet', 'b:10.1.0.0/16'],
      'redirect.vnet.networks',
      ['a:10.0.0.0/8', 'b:10.1.0.0/16'],
    ],
    [['--exclude-outbound-ips', '1.1.1.1,2.2.2.2'], 'redirect.outbound.excludePortsForIPs', ['1.1.1.1,2.2.2.2']],
    [['--exclude-inbound-ports', '1,2', '--exclude-inbound-ports', '3'], 'redirect.inbound.excludePorts', [3]],
    [['--exclude-outbound-ports', ' 22, ,80'], 'redirect.outbound.excludePorts', [22, 80]],
    [
      ['--iptables-executables', 'iptables-save:/b//c,iptables-restore:/d'],
      'iptablesExecutables',
      { iptables: '/a', 'iptables-save': '/b/c', 'iptables-restore': '/d' },
    ],
    [['--redirect-inbound=false'], 'redirect.inbound.enabled', false],
    [['--redirect-inbound=0'], 'redirect.inbound.enabled', false],
    [['--redirect-inbound-port', '015006'], 'redirect.inbound.port', 15006],
    [['--ip-family-mode', 'IPv4'], 'ipFamilyMode', 'IPv4'],
    [['--wait', '0x10'], 'wait', 16],
    [['--wait-interval=010'], 'waitInterval', 8],
    [['--max-retries', '9'], 'retry.maxRetries', 9],
    [['--sleep-between-retries', '"1500ms"'], 'retry.sleepBetweenRetries', '1500ms'],
    [['--sleep-between-retries', '3000000000'], 'retry.sleepBetweenRetries', '3s'],
    [['--kuma-dp-user', 'a', '--kuma-dp-uid', 'b'], 'kumaDPUser', 'b'],
    [['--redirect-all-dns-traffic'], 'redirect.dns.enabled', true],
    [
      [
        '--disable-comments',
        '--iptables-logs',
        '--store-firewalld',
        '--drop-invalid-packets',
        '--skip-dns-conntrack-zone-split',
      ],
      'comments.disabled',
      true,
    ],
  ])('%j sets %s', (argv, path, expected) => {
    const r = apply(...argv);
    expect(r.errors).toEqual([]);
    expect(path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r.config)).toEqual(expected);
  });

  it.each([
    [
      ['--redirect-inbound-port', '0'],
      `invalid argument "0" for "--redirect-inbound-port" flag: value '0' is not a valid port (uint16 in the range [1, 65535])`,
    ],
    [
      ['--redirect-dns-port=70000'],
      `invalid argument "70000" for "--redirect-dns-port" flag: value '70000' is not a valid port (uint16 in the range [1, 65535])`,
    ],
    [
      ['--exclude-inbound-ports', '1000-2000'],
      `invalid argument "1000-2000" for "--exclude-inbound-ports" flag: value '1000-2000' is not a valid port (uint16 in the range [1, 65535])`,
    ],
    [
      ['--ip-family-mode', 'ipv6'],
      `invalid argument "ipv6" for "--ip-family-mode" flag: must be one of 'dualstack' or 'ipv4'`,
    ],
    [
      ['--redirect-dns=maybe'],
      'invalid argument "maybe" for "--redirect-dns" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [['--wait', '-1'], 'invalid argument "-1" for "--wait" flag: strconv.ParseUint: parsing "-1": invalid syntax'],
    [
      ['--wait', '99999999999999999999'],
      'invalid argument "99999999999999999999" for "--wait" flag: strconv.ParseUint: parsing "99999999999999999999": value out of range',
    ],
    [
      ['--sleep-between-retries', '2s'],
      `invalid argument "2s" for "--sleep-between-retries" flag: invalid character 's' after top-level value`,
    ],
    [
      ['--sleep-between-retries', 'soon'],
      `invalid argument "soon" for "--sleep-between-retries" flag: invalid character 's' looking for beginning of value`,
    ],
    [
      ['--sleep-between-retries', '"2d"'],
      `invalid argument "\\"2d\\"" for "--sleep-between-retries" flag: time: unknown unit "d" in duration "2d"`,
    ],
    [
      ['--iptables-executables', 'iptables-nft:/x'],
      `invalid argument "iptables-nft:/x" for "--iptables-executables" flag: unsupported executable name 'iptables-nft' (supported: iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save, ip6tables-restore)`,
    ],
  ])('%j fails with pflag text', (argv, message) => {
    expect(apply(...argv).errors).toEqual([message]);
  });

  it('the first use of a list flag replaces the config list, later uses append', () => {
    const r = apply('--exclude-outbound-ips', '1.1.1.1', '--exclude-outbound-ips', '2.2.2.2');
    expect(r.config.redirect.outbound.excludePortsForIPs).toEqual(['1.1.1.1', '2.2.2.2']);
  });

  it('does not change the config it is given', () => {
    const base = defaultTproxyConfig();
    applyKumactlFlags(base, [{ name: 'wait', value: '1' }]);
    expect(base.wait).toBe(5);
  });
});

describe('config loader version boundary', () => {
  it.each(['2.11.0', '2.11.5', '2.11'])('kumactl %s reads --config as a file path (2.11 loader)', (v) => {
    const r = loadKumactlConfig({
      argv: ['--config', '/a.yaml', '--dry-run'],
      env: {},
      readSource: (p: string) => (p === '/a.yaml' ? 'redirect:\n  inbound:\n    port: 16006\n' : ''),
      version: parseKumaVersion(v),
      users: { 'kuma-dp': 5678, root: 0 },
    });
    expect(r.errors).toEqual([]);
    expect(r.config.redirect.inbound.port).toBe(16006);
  });

  it('after 2.14 --config-file is an unknown flag and nothing is read', () => {
    const read: string[] = [];
    const r = loadKumactlConfig({
      argv: ['--config-file', '/a.yaml'],
      readSource: (p: string) => {
        read.push(p);
        return '';
      },
      version: parseKumaVersion('3.0.0'),
    });
    expect(r.errors).toEqual(['unknown flag: --config-file']);
    expect(read).toEqual([]);
  });
});
