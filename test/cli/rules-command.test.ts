/** `kuma-gitops tproxy rules`: families, formats, help, and the errors a user can make. */
import { describe, expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import { tempFile } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';

const rules = (...argv: string[]) => runCli(['tproxy', 'rules', ...argv]);
const NO_IPV6 = tempFile({ ipv6: false });

describe('tproxy rules', () => {
  it('defaults to the dry-run text of both families, IPv6 only when enabled', async () => {
    const both = await rules();
    expect(both.code).toBe(0);
    expect(both.out.match(/^### IPv\d ###$/gm)).toEqual(['### IPv4 ###', '### IPv6 ###']);
    expect(both.out).toContain('-s ::6/128 -o lo -j RETURN');
    for (const argv of [
      ['--facts', NO_IPV6],
      ['--', '--ip-family-mode', 'ipv4'],
    ]) {
      const v4 = await rules(...argv);
      expect(v4.out.match(/^### IPv\d ###$/gm)).toEqual(['### IPv4 ###']);
      expect(both.out.startsWith(v4.out.trimEnd())).toBe(true);
    }
  });

  it('prints one family as the file kumactl restores: the dry-run block without its header', async () => {
    const all = (await rules()).out;
    const v4 = await rules('--family', 'ipv4');
    const v6 = await rules('--family', 'ipv6');
    expect(v4.out.startsWith('* nat\n')).toBe(true);
    expect(all).toBe(`### IPv4 ###\n\n${v4.out}\n### IPv6 ###\n\n${v6.out}`);
  });

  it('prints nothing, with a note, for a family kumactl would not build', async () => {
    const r = await rules('--family', 'ipv6', '--facts', NO_IPV6);
    expect([r.code, r.out]).toEqual([0, '']);
    expect(r.err).toContain('kumactl builds no ipv6 rules');
  });

  it('prints the save form per family, parseable, and both families in ### blocks', async () => {
    const v4 = await rules('--format', 'save', '--family', 'ipv4', '--', '--iptables-logs', '--drop-invalid-packets');
    expect(parseSave(v4.out).tables.map((t) => t.name)).toEqual(['nat', 'mangle']);
    expect(v4.out).toContain('-A OUTPUT -m comment --comment "kuma/mesh/transparent/proxy/log matching packets');
    const both = await rules('--format', 'save', '--', '--iptables-logs', '--drop-invalid-packets');
    const v6 = await rules('--format', 'save', '--family', 'ipv6', '--', '--iptables-logs', '--drop-invalid-packets');
    expect(both.out).toBe(`### IPv4 ###\n\n${v4.out}\n### IPv6 ###\n\n${v6.out}`);
  });

  it('models the Kuma version: 2.13 keeps tcp/53 out of the loopback rules, 2.14 does not', async () => {
    const dns = ['--family', 'ipv4', '--', '--redirect-all-dns-traffic'];
    expect((await rules('--kuma-version', '2.13', ...dns)).out).toContain('-p tcp ! --dport 53 -o lo');
    expect((await rules('--kuma-version', '2.14.3', ...dns)).out).not.toContain('! --dport 53');
    expect((await rules(...dns)).out).toBe((await rules('--kuma-version', '2.14.3', ...dns)).out);
  });

  it.each([
    [['--kuma-version', '2.8'], 'Kuma version 2.8 is not modelled'],
    [['--kuma-version', '2.15.0'], 'Kuma version 2.15.0 is not modelled'],
    [['--kuma-version', 'latest'], "Kuma version 'latest' is not a version"],
    [['--family', 'ipv5'], '--family must be one of ipv4, ipv6, all'],
    [['--format', 'json'], '--format must be one of restore, save'],
    [['--bogus'], 'unknown flag --bogus'],
    [['--config', '/nonexistent/tproxy.yaml'], "Error: failed to read config source '/nonexistent/tproxy.yaml'"],
    [['--', '--no-such-kumactl-flag'], 'Error: unknown flag: --no-such-kumactl-flag'],
  ])('%j: exit 1 naming the problem', async (argv, message) => {
    const r = await rules(...argv);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toContain(message);
  });

  it('fails as kumactl does when the kuma-dp user is not on the host', async () => {
    const r = await rules('--facts', tempFile({ users: { root: 0 } }));
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toBe(
      "Error: no UID or username provided, and user with the default UID ('5678') or username ('kuma-dp') could not be found\n",
    );
  });

  it.each([
    ['tproxy', '--help'],
    ['tproxy', 'rules', '--help'],
    ['tproxy', 'diff', '--help'],
    ['tproxy', 'import', '--help'],
  ])('%s %s %s prints usage, exit 0', async (...argv) => {
    const r = await runCli(argv);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: kuma-gitops ${argv.slice(0, -1).join(' ')}`));
  });

  it('without a known subcommand: exit 1 listing them', async () => {
    const none = await runCli(['tproxy']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('rules    print the rules');
    const unknown = await runCli(['tproxy', 'rulez']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unexpected argument 'rulez'");
    expect((await runCli(['--help'])).out).toContain('tproxy     ');
  });
});
