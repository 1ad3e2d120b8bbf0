import { describe, expect, it } from 'vitest';
import { quoteEnvironment, quoteExecArg } from '../../src/supervisor/systemd-quote.js';
import { renderKumaDpUnit, unitName } from '../../src/supervisor/systemd-unit.js';
import { GUIDE_ARGV, GUIDE_ENV } from './helpers.js';

/** key=value lines per [section]. */
function sections(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\[.*\]$/.test(line)) {
      current = line.slice(1, -1);
      out[current] = [];
    } else if (line !== '' && !line.startsWith('#')) out[current]?.push(line);
  }
  return out;
}

describe('kuma-dp systemd unit', () => {
  it('matches the golden unit for the guide’s example-server', async () => {
    const text = renderKumaDpUnit({ host: 'example-server', argv: GUIDE_ARGV, env: GUIDE_ENV });
    await expect(text).toMatchFileSnapshot('../golden/systemd/kuma-dp-example-server.service');
  });

  it('puts the user in User= and runs kuma-dp itself, with the docs’ restart policy in the right sections', () => {
    const unit = sections(renderKumaDpUnit({ host: 'example-server', argv: GUIDE_ARGV, env: GUIDE_ENV }));
    expect(unitName('example-server')).toBe('kuma-dp-example-server.service');
    expect(unit.Unit).toEqual(
      expect.arrayContaining(['After=network-online.target', 'Wants=network-online.target', 'StartLimitIntervalSec=0']),
    );
    // systemd ignores StartLimit* in [Service] (the docs' unit has them there): Restart=always would give up.
    expect(unit.Service!.filter((l) => l.startsWith('StartLimit'))).toEqual([]);
    expect(unit.Service).toEqual(
      expect.arrayContaining([
        'User=kuma-dp',
        'Restart=always',
        'RestartSec=1s',
        'KillSignal=SIGTERM',
        'TimeoutStopSec=45s',
      ]),
    );
    const execStart = unit.Service!.find((l) => l.startsWith('ExecStart='))!;
    expect(execStart).toMatch(/^ExecStart=\/usr\/local\/bin\/kuma-dp run --cp-address=/);
    expect(execStart).not.toContain('runuser');
    expect(unit.Install).toEqual(['WantedBy=multi-user.target']);
  });

  it.each([
    [['--drain-time=1m'], {}, '75s'],
    [['--drain-time', '500ms'], {}, '16s'],
    [['--drain-time=10s'], { KUMA_DATAPLANE_DRAIN_TIME: '90s' }, '105s'], // env beats the flag in kuma-dp
  ])('stops after the drain time plus 15 s: %j %j -> %s', (flags, env, timeout) => {
    const text = renderKumaDpUnit({ host: 'h', argv: [...GUIDE_ARGV, ...flags], env });
    expect(text).toContain(`\nTimeoutStopSec=${timeout}\n`);
  });

  it('joins the runner’s network namespace when there is one', () => {
    const text = renderKumaDpUnit({ host: 'h', argv: GUIDE_ARGV, env: {}, netns: 'kgtest-1-ab' });
    expect(text).toContain('\nNetworkNamespacePath=/run/netns/kgtest-1-ab\n');
    expect(renderKumaDpUnit({ host: 'h', argv: GUIDE_ARGV, env: {} })).not.toContain('NetworkNamespacePath');
  });

  it.each([
    [['runuser', '--user=kuma-dp', '--', '/opt/kuma-dp', 'run'], 'User=kuma-dp', 'ExecStart=/opt/kuma-dp run'],
    [['/usr/sbin/runuser', '-ukuma-dp', '/opt/kuma-dp', 'run'], 'User=kuma-dp', 'ExecStart=/opt/kuma-dp run'],
    [
      ['runuser', '-u', '5678', '--', '/opt/kuma dp/kuma-dp', 'run'],
      'User=5678',
      'ExecStart="/opt/kuma dp/kuma-dp" run',
    ],
  ])('reads runuser’s forms: %j', (argv, user, execStart) => {
    const text = renderKumaDpUnit({ host: 'h', argv, env: {} });
    expect(text).toContain(`\n${user}\n`);
    expect(text).toContain(`\n${execStart}\n`);
  });
});

describe('systemd quoting', () => {
  it.each([
    ['--plain=value', '--plain=value'],
    ['with space', '"with space"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ["it's", '"it\'s"'],
    ['back\\slash', '"back\\\\slash"'],
    ['$HOME', '$$HOME'],
    ['$' + '{HOME} x', '"$$' + '{HOME} x"'], // a literal ${...}, not a template
    ['100%', '100%%'],
    ['%h and $x', '"%%h and $$x"'],
    [';', '";"'],
    ['tab\there', '"tab\\there"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['\u0001\u007f', '"\\x01\\x7f"'],
    ['é☃', '"é☃"'],
    ['--dataplane-var=name=a,b', '--dataplane-var=name=a,b'],
  ])('ExecStart argument %j -> %s', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it.each([
    ['KUMA_READINESS_PORT', '9902', '"KUMA_READINESS_PORT=9902"'],
    ['A', 'b c', '"A=b c"'],
    ['A', 'x"y\\z', '"A=x\\"y\\\\z"'],
    ['A', '$HOME 100%', '"A=$HOME 100%%"'], // no $ expansion in Environment=, but specifiers
    ['A', '', '"A="'],
  ])('Environment %s=%j -> %s', (name, value, quoted) => {
    expect(quoteEnvironment(name, value, 'u')).toBe(quoted);
  });
});

describe('kuma-dp systemd unit errors', () => {
  const render =
    (argv: string[], env: Record<string, string> = {}, host = 'web-1') =>
    () =>
      renderKumaDpUnit({ host, argv, env });

  it.each([['kuma-dp'], ['./bin/kuma-dp'], ['/usr/local/bin/../bin/kuma-dp'], ['/usr//bin/kuma-dp']])(
    'refuses the non-absolute or unnormalized ExecStart path %s',
    (binary) => {
      expect(render(['runuser', '-u', 'kuma-dp', '--', binary, 'run'])).toThrow(
        expect.objectContaining({
          code: 'systemd.exec-not-absolute',
          message: expect.stringMatching(
            /^kuma-dp-web-1\.service: ExecStart needs an absolute, normalized path to kuma-dp, got .*: set the kuma-dp binary to e\.g\. \/usr\/local\/bin\/kuma-dp$/,
          ),
        }),
      );
    },
  );

  it.each([
    [['/usr/local/bin/kuma-dp', 'run'], 'systemd.user-missing', /would run kuma-dp as root/],
    [['runuser', '-g', 'x', '-u', 'kuma-dp', '--', '/k', 'run'], 'systemd.runuser-unsupported', /option -g/],
    [['runuser', '--', '/k', 'run'], 'systemd.runuser-unsupported', /no user given/],
    [['runuser', '-u', 'kuma-dp', '--'], 'systemd.runuser-unsupported', /no command/],
    [['runuser', '-u', 'kuma dp', '--', '/k'], 'systemd.user-invalid', /cannot be written as User=/],
    [['runuser', '-u', 'kuma-dp', '--', '/opt/$x/kuma-dp'], 'systemd.exec-path-invalid', /contains '\$'/],
  ])('refuses %j (%s)', (argv, code, message) => {
    expect(render(argv)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('refuses an invalid variable name, an invalid drain time and a host that cannot name a unit', () => {
    expect(render(GUIDE_ARGV, { '1BAD': 'x' })).toThrow(expect.objectContaining({ code: 'systemd.env-name-invalid' }));
    expect(render(GUIDE_ARGV, { KUMA_DATAPLANE_DRAIN_TIME: '30' })).toThrow(
      expect.objectContaining({ code: 'kuma-dp.drain-time-invalid' }),
    );
    expect(render(GUIDE_ARGV, {}, 'web/1')).toThrow(expect.objectContaining({ code: 'supervisor.host-invalid' }));
  });
});
