/**
 * A running kuma-dp's command line and environment, read back into `kumaDp:` settings: table-driven, with every
 * kind of command adopt cannot express named as a problem.
 */
import { describe, expect, it } from 'vitest';
import { adoptKumaDpCommand } from '../../src/adopt/kuma-dp-settings.js';

const RUNUSER = ['runuser', '-u', 'kuma-dp', '--', '/usr/local/bin/kuma-dp', 'run'];
// The guide's command, as the shell hands it to runuser.
const GUIDE = [
  ...RUNUSER,
  ...['--cp-address', 'https://cp.internal:5678', '--dataplane-token-file', '/kuma/example-server-token'],
  ...['--dataplane-file', '/kuma/example-server-dataplane.yaml'],
  ...['--dataplane-var', 'name=example-server-dataplane', '--dataplane-var', 'address=192.168.10.10'],
  ...['--dataplane-var', 'port=8080', '--binary-path', '/usr/local/bin/envoy'],
  ...['--dns-coredns-path', '/usr/local/bin/coredns'],
];

describe('adoptKumaDpCommand', () => {
  it('the guide: every generated flag in its setting, vars in their order, no tproxy file kept', () => {
    const r = adoptKumaDpCommand(GUIDE, { PATH: '/usr/bin', HOME: '/root' });
    expect(r.problems).toEqual([]);
    expect(r.kumaDp).toEqual({
      user: 'kuma-dp',
      binary: '/usr/local/bin/kuma-dp',
      cpAddress: 'https://cp.internal:5678',
      tokenFile: '/kuma/example-server-token',
      dataplaneFile: '/kuma/example-server-dataplane.yaml',
      envoyBinary: '/usr/local/bin/envoy',
      corednsBinary: '/usr/local/bin/coredns',
      passTproxyConfig: false,
      writeTproxyConfigFile: false,
    });
    expect(Object.entries(r.vars)).toEqual([
      ['name', 'example-server-dataplane'],
      ['address', '192.168.10.10'],
      ['port', 8080],
    ]);
    expect(r.templatePath).toBe('/kuma/example-server-dataplane.yaml');
  });

  it.each<[string, string[], Record<string, string>, object]>([
    [
      'DNS flags, a CA, KUMA_* variables (the shell’s others dropped)',
      [
        ...GUIDE,
        '--dns-enabled=false',
        '--dns-coredns-port=16053',
        '--dns-envoy-port',
        '16054',
        '--ca-cert-file',
        '/kuma/ca.pem',
      ],
      { KUMA_READINESS_PORT: '9903', TERM: 'xterm' },
      {
        dns: { enabled: false, corednsPort: 16053, envoyPort: 16054 },
        caCertFile: '/kuma/ca.pem',
        env: { KUMA_READINESS_PORT: '9903' },
      },
    ],
    [
      'flags kuma-gitops does not generate go to extraArgs, as --flag=value',
      [...GUIDE, '--drain-time', '5s', '--dns-enable-logging'],
      {},
      { extraArgs: ['--drain-time=5s', '--dns-enable-logging=true'] },
    ],
    [
      'a tproxy config passed to kuma-dp (2.11+) is the one kept',
      [...GUIDE, '--transparent-proxy-config', '/etc/kuma/tproxy.yaml'],
      {},
      { tproxyConfigFile: '/etc/kuma/tproxy.yaml', passTproxyConfig: true },
    ],
  ])('%s', (_, argv, env, settings) => {
    const r = adoptKumaDpCommand(argv, env);
    expect(r.problems).toEqual([]);
    expect(r.kumaDp).toMatchObject(settings);
  });

  it.each<[string, string[], string]>([
    ['not under runuser', GUIDE.slice(4), 'kuma-dp was not started as `runuser -u USER -- KUMA_DP run`'],
    [
      'runuser with other options',
      ['runuser', '-l', 'kuma-dp', '-c', 'kuma-dp run'],
      'is not `kuma-dp run` with flags kuma-dp knows',
    ],
    ['a flag kuma-dp does not have', [...GUIDE, '--made-up', 'x'], 'is not `kuma-dp run` with flags kuma-dp knows'],
    [
      'no --binary-path (kuma-dp would look for envoy in PATH)',
      GUIDE.filter((w, i) => w !== '--binary-path' && GUIDE[i - 1] !== '--binary-path'),
      'runs without --binary-path, which kuma-gitops always passes',
    ],
    [
      'two tproxy config files',
      [...GUIDE, '--transparent-proxy-config', '/a', '--transparent-proxy-config', '/b'],
      'is given 2 --transparent-proxy-config files',
    ],
    [
      'a var kuma-dp refuses',
      [...GUIDE, '--dataplane-var', 'novalue'],
      'kuma-dp refuses its --dataplane-var: novalue must be formatted as key=value',
    ],
    ['a positional argument', [...GUIDE, '--', 'extra'], 'has arguments that are not flags: extra'],
  ])('a problem: %s', (_, argv, problem) => {
    expect(adoptKumaDpCommand(argv, {}).problems.join('\n')).toContain(problem);
  });
});
