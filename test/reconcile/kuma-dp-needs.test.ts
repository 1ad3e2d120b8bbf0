/**
 * What the kuma-dp user must reach, from the desired state: env vars move paths (kuma-dp applies them over its
 * flags), CoreDNS only when it runs, the tproxy file only when kuma-dp is given it, the CA file unless the
 * certificate is inline, and relative paths are left to validation.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleRepoWith } from '../support/sample-repo.js';
import { sampleTarget } from '../support/targets.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

const HOST = `dataplane:
  template: templates/example-server.yaml
  vars: { name: example-server-dataplane, address: 192.168.10.10, port: 8080 }
service:
  ports: [8080]
`;

async function needsOf(kumaDp: string, kumaVersion = '2.14.3') {
  const repo = sampleRepoWith({
    'hosts/example-server.yaml': `kumaVersion: ${kumaVersion}\n${HOST}kumaDp:\n${kumaDp}`,
  });
  repos.push(repo);
  const target = await sampleTarget('example-server', repo);
  return target.access.map((n) => `${n.purpose} ${n.path} ${n.access} ${n.presence}`);
}

describe('kumaDpNeeds', () => {
  it('the guide’s host: kuma-dp, Envoy and CoreDNS, the Dataplane file kuma-gitops writes, the token', async () => {
    expect(await needsOf('  user: kuma-dp\n')).toEqual([
      'kuma-dp binary /usr/local/bin/kuma-dp execute required',
      'Envoy binary /usr/local/bin/envoy execute optional',
      'Dataplane file /kuma/example-server-dataplane.yaml read written',
      'dataplane token file /kuma/example-server-token read required',
      'CoreDNS binary /usr/local/bin/coredns execute optional',
    ]);
  });

  it.each([
    {
      name: 'env moves Envoy and the token',
      kumaDp: '  env: { KUMA_DATAPLANE_RUNTIME_BINARY_PATH: /opt/envoy, KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: /etc/t }\n',
      present: ['Envoy binary /opt/envoy execute optional', 'dataplane token file /etc/t read required'],
      coreDns: true,
    },
    { name: 'no CoreDNS with DNS off', kumaDp: '  dns: { enabled: false }\n', present: [], coreDns: false },
    {
      name: 'no CoreDNS with the embedded DNS proxy',
      kumaDp: '  env: { KUMA_DNS_PROXY_PORT: "15053" }\n',
      present: [],
      coreDns: false,
    },
    {
      name: 'the tproxy file when kuma-dp is given it',
      kumaDp: '  passTproxyConfig: true\n',
      present: ['tproxy config file /kuma/example-server-tproxy.yaml read written'],
      coreDns: true,
    },
    {
      name: 'the CA file',
      kumaDp: '  caCertFile: /etc/kuma/ca.pem\n',
      present: ['control plane CA file /etc/kuma/ca.pem read required'],
      coreDns: true,
    },
  ])('$name', async ({ kumaDp, present, coreDns }) => {
    const needs = await needsOf(kumaDp);
    for (const need of present) expect(needs).toContain(need);
    expect(needs.some((n) => n.startsWith('CoreDNS'))).toBe(coreDns);
  });

  it('no CA file when the certificate is inline, no relative path at all', async () => {
    const needs = await needsOf(
      '  caCertFile: /etc/kuma/ca.pem\n  envoyBinary: envoy\n  env: { KUMA_CONTROL_PLANE_CA_CERT: x }\n',
    );
    expect(needs.some((n) => n.startsWith('control plane CA file'))).toBe(false);
    expect(needs.some((n) => n.startsWith('Envoy binary'))).toBe(false);
  });
});
