import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { applyTproxyEnv, TPROXY_ENV_VARS } from '../../src/tproxy/kumactl-env.js';
import { parseKumaVersion } from '../../src/versions.js';

const P = 'KUMA_TRANSPARENT_PROXY_';
const get = (o: unknown, path: string) =>
  path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o);

describe('applyTproxyEnv', () => {
  it('knows the env var names of REFERENCE §1.2', () => {
    const names = Object.fromEntries(TPROXY_ENV_VARS.map((v) => [v.path, v.name]));
    expect(names).toMatchObject({
      kumaDPUser: 'KUMA_DP_USER',
      ipFamilyMode: 'IP_FAMILY_MODE',
      'redirect.inbound.excludePortsForIPs': 'REDIRECT_INBOUND_EXCLUDE_PORTS_FOR_IPS',
      'redirect.outbound.insertRedirectInsteadOfAppend': 'REDIRECT_OUTBOUND_INSERT_REDIRECT_INSTEAD_OF_APPEND',
      'redirect.inbound.redirectChainName': 'REDIRECT_INBOUND_REDIRECT_CHAIN_NAME',
      'redirect.dns.skipConntrackZoneSplit': 'REDIRECT_DNS_SKIP_CONNTRACK_ZONE_SPLIT',
      'redirect.vnet.networks': 'REDIRECT_VNET_NETWORKS',
      'comments.disabled': 'COMMENTS_DISABLED',
      'retry.sleepBetweenRetries': 'RETRY_SLEEP_BETWEEN_RETRIES',
      waitInterval: 'WAIT_INTERVAL',
      iptablesExecutables: 'IPTABLES_EXECUTABLES',
      cniMode: 'CNI_MODE',
      'ebpf.programsSourcePath': 'EBPF_PROGRAMS_SOURCE_PATH',
    });
    expect(TPROXY_ENV_VARS).toHaveLength(46);
  });

  it.each([
    [`${P}REDIRECT_DNS_PORT`, '1053', 'redirect.dns.port', 1053],
    [`${P}REDIRECT_INBOUND_EXCLUDE_PORTS`, '1,2', 'redirect.inbound.excludePorts', [1, 2]],
    [
      `${P}REDIRECT_OUTBOUND_EXCLUDE_PORTS_FOR_IPS`,
      '10.0.0.1,10.0.0.2',
      'redirect.outbound.excludePortsForIPs',
      ['10.0.0.1', '10.0.0.2'],
    ],
    [
      `${P}REDIRECT_OUTBOUND_EXCLUDE_PORTS_FOR_UIDS`,
      'tcp:22,80-88:1000-1002',
      'redirect.outbound.excludePortsForUIDs',
      ['tcp:22', '80-88:1000-1002'],
    ],
    [`${P}REDIRECT_VNET_NETWORKS`, '', 'redirect.vnet.networks', []],
    [`${P}REDIRECT_DNS_ENABLED`, 'T', 'redirect.dns.enabled', true],
    [`${P}REDIRECT_INBOUND_CHAIN_NAME`, 'IN', 'redirect.inbound.chainName', 'IN'],
    [`${P}RETRY_SLEEP_BETWEEN_RETRIES`, '3s', 'retry.sleepBetweenRetries', '3s'],
    [`${P}LOG_LEVEL`, '4', 'log.level', 4],
    [`${P}IPTABLES_EXECUTABLES`, 'ip6tables:/x', 'iptablesExecutables', { ip6tables: '/x' }],
    ['KUMA_DP_USER', 'app', 'kumaDPUser', 'app'],
    ['IP_FAMILY_MODE', 'ipv4', 'ipFamilyMode', 'ipv4'],
    ['EXCLUDE_PORTS_FOR_UIDS', '1000', 'redirect.inbound.excludePortsForUIDs', ['1000']],
    ['CNI_MODE', 'true', 'cniMode', true],
  ])('%s=%j sets %s', (name, value, path, expected) => {
    const r = applyTproxyEnv(defaultTproxyConfig(), { [name]: value });
    expect(r.errors).toEqual([]);
    expect(get(r.config, path)).toEqual(expected);
  });

  it('uses the fallback only when the prefixed variable is unset (even empty counts as set)', () => {
    const r = applyTproxyEnv(defaultTproxyConfig(), { [`${P}KUMA_DP_USER`]: '', KUMA_DP_USER: 'app' });
    expect(r.config.kumaDPUser).toBe('');
    expect(r.applied).toEqual([{ name: `${P}KUMA_DP_USER`, path: 'kumaDPUser' }]);
  });

  it('a generic PORT reaches all three redirect ports through the fallback (inferred from §1.2)', () => {
    const r = applyTproxyEnv(defaultTproxyConfig(), { PORT: '8080' });
    expect([r.config.redirect.inbound.port, r.config.redirect.outbound.port, r.config.redirect.dns.port]).toEqual([
      8080, 8080, 8080,
    ]);
    expect(r.applied.map((a) => a.name)).toEqual(['PORT', 'PORT', 'PORT']);
  });

  it.each([
    [
      `${P}REDIRECT_DNS_PORT`,
      'x',
      `envconfig.Process: assigning ${P}REDIRECT_DNS_PORT to Port: converting 'x' to type config.Port. details: value 'x' is not a valid port (uint16 in the range [1, 65535])`,
    ],
    [
      `${P}VERBOSE`,
      '',
      `envconfig.Process: assigning ${P}VERBOSE to Verbose: converting '' to type bool. details: strconv.ParseBool: parsing "": invalid syntax`,
    ],
    [
      `${P}WAIT`,
      '-1',
      `envconfig.Process: assigning ${P}WAIT to Wait: converting '-1' to type uint. details: strconv.ParseUint: parsing "-1": invalid syntax`,
    ],
    [
      'IP_FAMILY_MODE',
      'ipv6',
      `envconfig.Process: assigning ${P}IP_FAMILY_MODE to IPFamilyMode: converting 'ipv6' to type config.IPFamilyMode. details: must be one of 'dualstack' or 'ipv4'`,
    ],
    [
      `${P}RETRY_SLEEP_BETWEEN_RETRIES`,
      '2',
      `envconfig.Process: assigning ${P}RETRY_SLEEP_BETWEEN_RETRIES to SleepBetweenRetries: converting '2' to type types.Duration. details: time: missing unit in duration "2"`,
    ],
  ])('%s=%j fails with envconfig text', (name, value, message) => {
    expect(applyTproxyEnv(defaultTproxyConfig(), { [name]: value }).errors).toEqual([message]);
  });
});

describe('precedence: defaults < config sources < env < flags', () => {
  const files: Record<string, string> = {
    'a.yaml': 'redirect: {dns: {port: 1111}, inbound: {port: 1111}}\nwait: 1',
    'b.yaml': 'redirect: {dns: {port: 2222}}',
    'empty.yaml': '',
  };
  const run = (argv: string[], env: Record<string, string> = {}, version?: string) =>
    loadKumactlConfig({
      argv,
      env,
      readSource: (p) => files[p] ?? '',
      stdin: 'redirect: {dns: {port: 3333}}',
      ...(version ? { version: parseKumaVersion(version) } : {}),
    });

  it.each([
    ['later sources win', ['--config', 'a.yaml', '--config', 'b.yaml'], {}, 2222],
    ['stdin is a source', ['--config', 'a.yaml', '--config', '-'], {}, 3333],
    [
      'env beats every source',
      ['--config', 'a.yaml', '--config', 'b.yaml'],
      { [`${P}REDIRECT_DNS_PORT`]: '4444' },
      4444,
    ],
    [
      'flags beat env',
      ['--config', 'a.yaml', '--redirect-dns-port', '5555'],
      { [`${P}REDIRECT_DNS_PORT`]: '4444' },
      5555,
    ],
    ['env is ignored without a config source (2.11+)', [], { [`${P}REDIRECT_DNS_PORT`]: '4444' }, 15053],
    ['env is ignored with only blank config values', ['--config', ' '], { [`${P}REDIRECT_DNS_PORT`]: '4444' }, 15053],
    ['an empty file is still a source', ['--config', 'empty.yaml'], { [`${P}REDIRECT_DNS_PORT`]: '4444' }, 4444],
    ['--config-file is read before --config', ['--config', 'b.yaml', '--config-file', 'a.yaml'], {}, 2222],
  ])('%s', (_name, argv, env, port) => {
    const r = run(argv, env);
    expect(r.errors).toEqual([]);
    expect(r.config.redirect.dns.port).toBe(port);
  });

  it('2.9/2.10: --config is inline content, --config-file wins, env always applies', () => {
    expect(run(['--config', 'redirect: {dns: {port: 6666}}'], {}, '2.10').config.redirect.dns.port).toBe(6666);
    expect(run(['--config', 'wait: 9', '--config-file', 'b.yaml'], {}, '2.9').config).toMatchObject({
      wait: 5,
      redirect: { dns: { port: 2222 } },
    });
    expect(run([], { [`${P}WAIT`]: '7' }, '2.9').config.wait).toBe(7);
    expect(run(['--config', '-'], {}, '2.9').errors).toEqual([
      "'--config -' is not supported: use '--config-file -' to read the config from stdin",
    ]);
  });

  it('the DNS flag conflict is checked on flags only; from a file it is accepted and captureAll wins', () => {
    files['dns.yaml'] = 'redirect: {dns: {enabled: true, captureAll: true}}';
    expect(run(['--config', 'dns.yaml']).errors).toEqual([]);
    expect(run(['--config', 'dns.yaml', '--redirect-dns']).errors).toEqual([]);
    expect(run(['--redirect-dns', '--redirect-all-dns-traffic']).errors).toEqual([
      "only one of '--redirect-dns' or '--redirect-all-dns-traffic' should be specified",
    ]);
  });

  it('captureAll from env forces DNS redirection on', () => {
    expect(run(['--config', 'b.yaml'], { [`${P}REDIRECT_DNS_CAPTURE_ALL`]: 'true' }).config.redirect.dns.enabled).toBe(
      true,
    );
  });

  it('a second "-" finds stdin already read', () => {
    expect(run(['--config', '-', '--config', '-']).config.redirect.dns.port).toBe(3333);
  });

  it('reports file problems with their location, and unreadable sources', () => {
    const r = loadKumactlConfig({
      argv: ['--config', 'bad.yaml', '--config', 'missing.yaml'],
      readSource: (p) => {
        if (p === 'bad.yaml') return 'redirect:\n  inbound:\n    port: "15006"';
        throw new Error(`open ${p}: no such file or directory`);
      },
    });
    expect(r.errors).toEqual([
      `bad.yaml:3: redirect.inbound.port: value '"15006"' is not a valid port (uint16 in the range [1, 65535])`,
      "failed to read config source 'missing.yaml': open missing.yaml: no such file or directory",
    ]);
    expect(r.issues).toMatchObject([{ code: 'tproxy.port.invalid', file: 'bad.yaml', line: 3 }]);
  });
});
