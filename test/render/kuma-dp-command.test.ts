import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKumaDpCommand } from '../../src/render/kuma-dp-command.js';
import { composeFrom } from '../support/compose.js';
import { SAMPLE_REPO, sampleRepoWith } from '../support/sample-repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const hostWith = async (extra: string, name = 'example-server') => {
  const base = `dataplane:\n  template: templates/example-server.yaml\n  vars:\n    name: example-server-dataplane\n    address: 192.168.10.10\n    port: 8080\nservice:\n  ports: [8080]\n`;
  const dir = sampleRepoWith({ [`hosts/${name}.yaml`]: base + extra });
  dirs.push(dir);
  return composeFrom(dir, name);
};

describe('kuma-dp command line', () => {
  it("is the guide's command for example-server", async () => {
    const cmd = buildKumaDpCommand(await composeFrom(SAMPLE_REPO, 'example-server'));
    expect(cmd.argv).toEqual([
      'runuser',
      '-u',
      'kuma-dp',
      '--',
      '/usr/local/bin/kuma-dp',
      'run',
      '--cp-address=https://kuma-cp.mesh.internal:5678',
      '--dataplane-token-file=/kuma/example-server-token',
      '--dataplane-file=/kuma/example-server-dataplane.yaml',
      '--dataplane-var=name=example-server-dataplane',
      '--dataplane-var=address=192.168.10.10',
      '--dataplane-var=port=8080',
      '--binary-path=/usr/local/bin/envoy',
      '--dns-coredns-path=/usr/local/bin/coredns',
    ]);
    expect(cmd.env).toEqual({});
    expect(cmd.effective).toEqual({
      cpAddress: 'https://kuma-cp.mesh.internal:5678',
      tokenFile: '/kuma/example-server-token',
      dataplaneFile: '/kuma/example-server-dataplane.yaml',
      dnsEnabled: true,
      dnsPort: 15053,
      envoyDnsPort: 15054,
      readinessPort: 9902,
    });
  });

  it('passes --transparent-proxy-config and the DNS port for payments-1 (2.13, custom ports)', async () => {
    const cmd = buildKumaDpCommand(await composeFrom(SAMPLE_REPO, 'payments-1'));
    expect(cmd.argv.slice(-2)).toEqual([
      '--dns-coredns-port=16053',
      '--transparent-proxy-config=/kuma/payments-1-tproxy.yaml',
    ]);
    expect(cmd.effective.dnsPort).toBe(16053);
  });

  it.each([
    [
      'kumaVersion: 2.10.3\nkumaDp:\n  passTproxyConfig: true\n',
      (a: string[]) => !a.some((x) => x.startsWith('--transparent-proxy-config')),
    ],
    [
      'kumaVersion: 2.11.0\nkumaDp:\n  passTproxyConfig: true\n',
      (a: string[]) => a.includes('--transparent-proxy-config=/kuma/example-server-tproxy.yaml'),
    ],
    [
      'kumaDp:\n  dns:\n    enabled: false\n    envoyPort: 25054\n',
      (a: string[]) => a.includes('--dns-enabled=false') && a.includes('--dns-envoy-port=25054'),
    ],
    [
      'kumaDp:\n  caCertFile: /kuma/ca.pem\n  extraArgs: [--log-level=debug]\n',
      (a: string[]) => a.slice(-2).join(' ') === '--ca-cert-file=/kuma/ca.pem --log-level=debug',
    ],
    [
      'kumaDp:\n  user: mesh\n  binary: /opt/kuma/bin/kuma-dp\n',
      (a: string[]) => a.slice(0, 6).join(' ') === 'runuser -u mesh -- /opt/kuma/bin/kuma-dp run',
    ],
  ])('version- and setting-aware flags: %j', async (extra, check) => {
    expect(check(buildKumaDpCommand(await hostWith(extra)).argv)).toBe(true);
  });

  it.each([
    ['KUMA_CONTROL_PLANE_URL: https://env-cp:5678', 'cpAddress', 'https://env-cp:5678'],
    ['KUMA_DNS_CORE_DNS_PORT: "25053"', 'dnsPort', 25053],
    ['KUMA_DNS_PROXY_PORT: "15055"', 'dnsPort', 15055],
    ['KUMA_DNS_ENABLED: "false"', 'dnsEnabled', false],
    ['KUMA_READINESS_PORT: "9912"', 'readinessPort', 9912],
  ])('env overrides flags in kuma-dp: %s', async (env, key, want) => {
    const cmd = buildKumaDpCommand(await hostWith(`kumaDp:\n  env:\n    ${env}\n`));
    expect(cmd.effective[key as keyof typeof cmd.effective]).toBe(want);
  });

  it('sets KUMA_READINESS_PORT only when it differs from 9902 (there is no flag)', async () => {
    expect(buildKumaDpCommand(await hostWith('kumaDp:\n  readinessPort: 9912\n')).env).toEqual({
      KUMA_READINESS_PORT: '9912',
    });
  });
});
