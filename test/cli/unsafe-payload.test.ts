/**
 * `tproxy rules` prints kumactl's payload, and kumactl does not check vnet interface names: a name with a newline
 * would be printed as a payload ready for `iptables-restore --noflush` that adds a *filter block. It is refused
 * instead, naming the word, and nothing is printed on stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/sample-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'kgtest-unsafe-payload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (network: string) => {
  const file = join(dir, `c-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, `redirect:\n  vnet:\n    networks: [${JSON.stringify(network)}]\n`);
  return file;
};

describe('tproxy rules refuses a payload that would say something else', () => {
  it.each([
    ['a newline and a *filter block', 'eth0\nCOMMIT\n*filter\n-A INPUT -j DROP\nCOMMIT\n*nat\n-A x:10.0.0.0/8'],
    ['a space inside the name', 'eth0 -j ACCEPT:10.0.0.0/8'],
  ])('%s', async (_name, network) => {
    const r = await runCli(['tproxy', 'rules', '--kuma-version', '2.14.3', '--config', config(network)]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/rules would contain .* which is not one word of an iptables-restore line/);
    expect(r.err).toContain('rules.unsafe-word');
  });

  it('a plain name and a wildcard still work', async () => {
    const r = await runCli(['tproxy', 'rules', '--kuma-version', '2.14.3', '--config', config('br+:172.18.0.0/16')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('-i br+');
  });
});
