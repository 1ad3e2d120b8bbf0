/**
 * The inputs `rules` and `diff` share: precedence defaults < --config files < KUMA_TRANSPARENT_PROXY_* env
 * (as kumactl of that version applies it) < kumactl flags after `--`, stdin, and the facts file contract.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempFile } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';

const ENV = 'KUMA_TRANSPARENT_PROXY_REDIRECT_INBOUND_PORT';
/** The inbound port the rules redirect to, read back from the IPv4 save form. */
async function inboundPort(argv: string[], stdin?: string): Promise<string> {
  const r = await runCli(['tproxy', 'rules', '--format', 'save', '--family', 'ipv4', ...argv], { stdin });
  expect([r.code, r.err]).toEqual([0, '']);
  return /^-A KUMA_MESH_INBOUND_REDIRECT .* --to-ports (\d+)$/m.exec(r.out)?.[1] ?? 'none';
}
const port = (n: number) => tempFile(`redirect:\n  inbound:\n    port: ${n}\n`, '.yaml');

afterEach(() => vi.unstubAllEnvs());

describe('config precedence', () => {
  it('defaults < config files in order < env < kumactl flags', async () => {
    expect(await inboundPort([])).toBe('15006');
    expect(await inboundPort(['--config', port(1111)])).toBe('1111');
    expect(await inboundPort(['--config', port(1111), '--config', port(1212)])).toBe('1212');
    vi.stubEnv(ENV, '2222');
    expect(await inboundPort(['--config', port(1111)])).toBe('2222');
    expect(await inboundPort(['--config', port(1111), '--', '--redirect-inbound-port', '3333'])).toBe('3333');
  });

  it('env applies only with a config source on 2.11+, always on 2.9 (as kumactl)', async () => {
    vi.stubEnv(ENV, '2222');
    expect(await inboundPort([])).toBe('15006');
    expect(await inboundPort(['--kuma-version', '2.12.0'])).toBe('15006');
    expect(await inboundPort(['--kuma-version', '2.9'])).toBe('2222');
  });

  it('reads only prefixed variables: the generic fallbacks of envconfig are not taken from this process', async () => {
    vi.stubEnv('REDIRECT_INBOUND_PORT', '4444');
    expect(await inboundPort(['--config', port(1111)])).toBe('1111');
  });

  it('--config - reads stdin, and lists in later files replace earlier ones', async () => {
    const first = tempFile('redirect: {inbound: {port: 1111, excludePorts: [10000, 20000]}}\n', '.yaml');
    const stdin = 'redirect:\n  inbound:\n    excludePorts: [4444]\n';
    const r = await runCli(['tproxy', 'rules', '--family', 'ipv4', '--config', first, '--config', '-'], { stdin });
    expect(r.code).toBe(0);
    expect(r.out).toContain('--dport 4444 -j RETURN');
    expect(r.out).not.toContain('10000');
    expect(r.out).toContain('--to-ports 1111');
  });

  it('Kuma 2.9/2.10 read one config file: one --config works, two are refused', async () => {
    expect(await inboundPort(['--kuma-version', '2.9', '--config', port(1111)])).toBe('1111');
    const r = await runCli(['tproxy', 'rules', '--kuma-version', '2.10', '--config', port(1), '--config', port(2)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('kumactl 2.10 reads one config file (--config-file), but 2 --config were given');
  });

  it('a config error is kumactl message, exit 1', async () => {
    const r = await runCli(['tproxy', 'rules', '--config', tempFile('redirect: {inbound: {port: 0}}\n', '.yaml')]);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toMatch(/^Error: .*value '0' is not a valid port \(uint16 in the range \[1, 65535\]\)\n$/);
  });

  it('stdin is refused when there is none, and when two inputs want it', async () => {
    const none = await runCli(['tproxy', 'rules', '--config', '-']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('--config - reads standard input, but none is available here');
    const both = await runCli(['tproxy', 'diff', '--live', '-', '--config', '-'], { stdin: '' });
    expect(both.code).toBe(1);
    expect(both.err).toContain('--config - and --live - both read standard input');
  });
});

describe('facts file', () => {
  const run = (facts: string | object, ext = '.yaml') => runCli(['tproxy', 'rules', '--facts', tempFile(facts, ext)]);

  it('JSON and YAML give the same rules, and every field is used', async () => {
    const facts = { loopbackInterface: 'lo0', users: { 'kuma-dp': 4242 }, dnsServers: ['10.0.0.2'], ipv6: false };
    const json = await run(facts, '.json');
    const yaml = await run('loopbackInterface: lo0\nusers: {kuma-dp: 4242}\ndnsServers: [10.0.0.2]\nipv6: false\n');
    expect(json).toEqual(yaml);
    expect(json.out).toContain('-o lo0');
    expect(json.out).toContain('--uid-owner 4242');
    expect(json.out).not.toContain('### IPv6 ###');
    const dns = await runCli(['tproxy', 'rules', '--facts', tempFile(facts), '--', '--redirect-dns']);
    expect(dns.out).toContain('-d 10.0.0.2 -p udp --dport 53 -j REDIRECT --to-ports 15053');
  });

  it.each([
    ['users:\n  kuma-dp: five\n', ":2, field 'users.kuma-dp': Invalid input: expected number"],
    ['ipv6: true\nmodules:\n  coment: false\n', ":3, field 'modules.coment': unknown field (did you mean 'comment'?)"],
    ['loopbackInterfce: lo\n', ":1, field 'loopbackInterfce': unknown field (did you mean 'loopbackInterface'?)"],
    ['dnsServers: 8.8.8.8\n', ":1, field 'dnsServers': Invalid input: expected array"],
    ['- lo\n', ':1: expected a mapping'],
    ['users: [\n', ':2: YAML syntax error'],
  ])('%j: exit 1 naming file, line and field', async (text, message) => {
    const file = tempFile(text, '.yaml');
    const r = await runCli(['tproxy', 'rules', '--facts', file]);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toContain(`facts file ${file}${message}`);
  });

  it('a missing facts file: exit 1 naming it', async () => {
    const r = await runCli(['tproxy', 'rules', '--facts', '/nonexistent/facts.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read /nonexistent/facts.yaml');
  });
});
