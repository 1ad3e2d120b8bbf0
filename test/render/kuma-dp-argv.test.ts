import { describe, expect, it } from 'vitest';
import { parseKumaDpRun, sameKumaDpCommand } from '../../src/render/kuma-dp-argv.js';

const PREFIX = ['runuser', '-u', 'kuma-dp', '--', '/usr/local/bin/kuma-dp', 'run'];
// As kuma-gitops writes it (src/render/kuma-dp-command.ts).
const OURS = [
  ...PREFIX,
  '--cp-address=https://cp:5678',
  '--dataplane-token-file=/kuma/t',
  '--dataplane-file=/kuma/d.yaml',
  '--dataplane-var=name=web',
  '--dataplane-var=port=8080',
  '--binary-path=/usr/local/bin/envoy',
  '--dns-coredns-path=/usr/local/bin/coredns',
];

describe('sameKumaDpCommand: the same process for pflag, whatever the spelling', () => {
  it.each<[string, string[], boolean]>([
    ['word for word', OURS, true],
    [
      'the guide’s spelling (--flag value, the vars quoted by the shell)',
      [
        ...PREFIX,
        '--cp-address',
        'https://cp:5678',
        '--dataplane-token-file',
        '/kuma/t',
        '--dataplane-file',
        '/kuma/d.yaml',
        '--dataplane-var',
        'name=web',
        '--dataplane-var',
        'port=8080',
        '--binary-path',
        '/usr/local/bin/envoy',
        '--dns-coredns-path',
        '/usr/local/bin/coredns',
      ],
      true,
    ],
    ['flags in another order', [...PREFIX, ...OURS.slice(6).reverse()], true],
    [
      'shorthands -d and -v, vars in one CSV value',
      [
        ...PREFIX,
        ...OURS.slice(6).filter((w) => !/dataplane-(file|var)/.test(w)),
        '-d',
        '/kuma/d.yaml',
        '-vname=web,port=8080',
      ],
      true,
    ],
    ['a var with another value', OURS.map((w) => w.replace('port=8080', 'port=8081')), false],
    ['one var fewer', OURS.filter((w) => w !== '--dataplane-var=port=8080'), false],
    ['a flag more', [...OURS, '--dns-enabled=false'], false],
    ['`--dns-enabled` alone is true, kuma-dp’s default spelled out', [...OURS, '--dns-enabled'], true],
    ['--dns-coredns-port 15053, the default spelled out', [...OURS, '--dns-coredns-port', '15053'], true],
    ['--dns-coredns-port 15153', [...OURS, '--dns-coredns-port', '15153'], false],
    ['another user', ['runuser', '-u', 'other', ...OURS.slice(3)], false],
    ['another binary', OURS.map((w) => w.replace('/usr/local/bin/kuma-dp', '/opt/kuma-dp')), false],
    ['an unknown flag is compared word for word', [...OURS, '--made-up', 'x'], false],
  ])('%s → %s', (_, live, same) => {
    expect(sameKumaDpCommand(live, OURS)).toBe(same);
    expect(sameKumaDpCommand(OURS, live)).toBe(same);
  });

  it('a repeated scalar flag: the last value counts, as in pflag', () => {
    const twice = [...OURS, '--cp-address', 'https://other:5678'];
    expect(sameKumaDpCommand(twice, OURS)).toBe(false);
    expect(sameKumaDpCommand([...twice, '--cp-address=https://cp:5678'], OURS)).toBe(true);
  });

  it('parses booleans as Go does and refuses a value flag with nothing after it', () => {
    expect(parseKumaDpRun([...PREFIX, '--dns-enabled=F'])?.flags).toEqual([{ name: 'dns-enabled', value: 'false' }]);
    expect(parseKumaDpRun([...PREFIX, '--cp-address'])).toBeUndefined();
    expect(parseKumaDpRun(['kuma-dp', 'version'])).toBeUndefined();
  });
});
