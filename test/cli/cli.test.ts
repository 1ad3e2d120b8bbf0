import { describe, expect, it } from 'vitest';
import { runCli, SAMPLE_REPO } from '../support/sample-repo.js';

/** The guide's Dataplane after kuma-dp renders it with name=example-server-dataplane, address, port=8080. */
const GUIDE_DATAPLANE = `type: Dataplane
mesh: default
name: example-server-dataplane
networking:
  address: 192.168.10.10
  inbound:
    - port: 8080
      tags:
        kuma.io/service: example-server
  transparentProxying:
    redirectPortInbound: 15006
    redirectPortOutbound: 15001
`;

describe('kuma-gitops CLI on the sample repo', () => {
  it('validate exits 0 on desired-state', async () => {
    const { code, out } = await runCli(['validate', '--repo', SAMPLE_REPO]);
    expect(code).toBe(0);
    expect(out).toMatch(/valid: 4 host\(s\), 0 error\(s\), 0 warning\(s\)/);
  });

  it("render example-server shows the guide's Dataplane, tproxy settings and kuma-dp command", async () => {
    const { code, out } = await runCli([
      'render',
      '--repo',
      SAMPLE_REPO,
      '--host',
      'example-server',
      '--output',
      'json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.dataplane).toBe(GUIDE_DATAPLANE);
    // The guide: redirect ports 15006/15001, --redirect-dns, SSH (22) excluded from inbound redirection.
    expect(r.tproxyConfig.redirect.inbound).toMatchObject({ port: 15006, excludePorts: [22], enabled: true });
    expect(r.tproxyConfig.redirect.outbound).toMatchObject({ port: 15001, enabled: true });
    expect(r.tproxyConfig.redirect.dns).toMatchObject({ enabled: true, captureAll: false, port: 15053 });
    expect(r.kumaDp.argv.join(' ')).toBe(
      'runuser -u kuma-dp -- /usr/local/bin/kuma-dp run --cp-address=https://kuma-cp.mesh.internal:5678 ' +
        '--dataplane-token-file=/kuma/example-server-token --dataplane-file=/kuma/example-server-dataplane.yaml ' +
        '--dataplane-var=name=example-server-dataplane --dataplane-var=address=192.168.10.10 --dataplane-var=port=8080 ' +
        '--binary-path=/usr/local/bin/envoy --dns-coredns-path=/usr/local/bin/coredns',
    );
    expect(r.rules.dryRun).toContain(
      '-I OUTPUT 2 -m comment --comment "kuma/mesh/transparent/proxy/redirect DNS requests to 10.0.0.2',
    );
  });

  it('render text output is stable (golden)', async () => {
    const { out } = await runCli(['render', '--repo', SAMPLE_REPO, '--host', 'example-server']);
    await expect(out).toMatchFileSnapshot('../golden/render/example-server.txt');
  });

  it.each([
    [['validate'], 'kuma-gitops validate: --repo is required'],
    [['validate', '--repo'], '--repo needs a value (DIR)'],
    [['render', '--repo', SAMPLE_REPO], '--host is required'],
    [['validate', '--repo', SAMPLE_REPO, '--output', 'yaml'], '--output must be one of text, json'],
    [['validate', '--repo', SAMPLE_REPO, '--hots', 'x'], 'unknown flag --hots'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['validate', '--repo', '/nonexistent/repo'], "Desired-state repo '/nonexistent/repo' is not a directory"],
    [['render', '--repo', SAMPLE_REPO, '--host', 'example-sever'], "did you mean 'example-server'?"],
    [['diff', '--repo', '/tmp', '--base', 'a', '--head', 'b'], 'is not inside a git repository'],
  ])('usage error %j exits 1 with a short, exact message', async (argv, message) => {
    const { code, err } = await runCli(argv);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });

  it.each(['validate', 'render', 'diff'])('%s --help prints usage and flags', async (name) => {
    const { code, out } = await runCli([name, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: kuma-gitops ${name} --repo DIR`));
    expect(out).toContain('--repo DIR');
  });

  it('no arguments prints the command list and exits 1', async () => {
    const { code, out } = await runCli([]);
    expect(code).toBe(1);
    expect(out).toContain('validate');
  });
});
