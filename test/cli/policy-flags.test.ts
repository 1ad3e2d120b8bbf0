/**
 * The host-side policy as flags: what the repository may make a host write and run as, decided by the host. The
 * defaults are the guide's (/kuma/, kuma-dp uid 5678); the flags replace them, and bad values are usage errors.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, sampleRepoWith } from '../support/sample-repo.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

const HOST = `dataplane:
  template: templates/example-server.yaml
  vars: { name: example-server-dataplane, address: 192.168.10.10, port: 8080 }
service:
  ports: [8080]
kumaDp:
  user: mesh-proxy
  uid: 7000
  dataplaneFile: /opt/kuma/example-server-dataplane.yaml
  tproxyConfigFile: /opt/kuma/example-server-tproxy.yaml
`;
const TPROXY = 'kumaDPUser: mesh-proxy\nredirect:\n  dns:\n    enabled: true\n  inbound:\n    excludePorts: [22]\n';

function repo(): string {
  const dir = sampleRepoWith({ 'hosts/example-server.yaml': HOST, 'tproxy/fleet.yaml': TPROXY });
  repos.push(dir);
  return dir;
}

const codes = (out: string) =>
  (JSON.parse(out) as { issues: { code: string; severity: string }[] }).issues
    .filter((i) => i.severity === 'error')
    .map((i) => i.code);

describe('--allow-write-root and --allow-kuma-dp-user', () => {
  it('the default policy refuses /opt/kuma and user mesh-proxy; the host’s flags allow them', async () => {
    const dir = repo();
    const strict = await runCli(['validate', '--repo', dir, '--host', 'example-server', '--output', 'json']);
    expect(strict.code).toBe(1);
    expect(codes(strict.out).sort()).toEqual([
      'policy.kuma-dp-user',
      'policy.write-outside-roots',
      'policy.write-outside-roots',
    ]);
    const allowed = await runCli([
      'validate',
      ...['--repo', dir, '--host', 'example-server', '--output', 'json'],
      ...['--allow-write-root', '/opt/kuma/', '--allow-kuma-dp-user', 'mesh-proxy:7000'],
    ]);
    expect(codes(allowed.out)).toEqual([]);
    expect(allowed.code, allowed.out + allowed.err).toBe(0);
  });

  it.each([
    [['--allow-write-root', '/'], /--allow-write-root '\/' must be a plain absolute folder other than \//],
    [['--allow-write-root', 'kuma'], /must be a plain absolute folder/],
    [['--allow-write-root', '/kuma/../etc'], /must be a plain absolute folder/],
    [['--allow-kuma-dp-user', 'root:0'], /must be NAME:UID with a uid from 1 to 65535, never root/],
    [['--allow-kuma-dp-user', 'kuma-dp'], /must be NAME:UID/],
    [['--allow-kuma-dp-user', 'kuma-dp:70000'], /must be NAME:UID/],
  ])('refuses %j', async (flags, message) => {
    const r = await runCli(['validate', '--repo', repo(), ...flags]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });
});
