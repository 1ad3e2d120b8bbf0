/**
 * Acceptance of `adopt`: hosts set up by hand the guide's way, in real namespaces on both iptables backends. The
 * stand-in kuma-dp is started with `runuser -u kuma-dp -- kuma-dp run --flag value ...` (not by kuma-gitops), the
 * Dataplane template is written by hand, and the rules come from a kumactl invocation (`tproxy rules --format
 * restore`, restored into the namespace). `adopt` writes the host into a copy of the sample repository; `plan` for
 * that host, against the same live host, must then be empty, and the host file must reuse the fleet's and the
 * groups' layers where they give the same result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { factsFile } from '../support/e2e/e2e-cli.js';
import { type E2eHost, HOST_ADDRESS, KUMA_DP_UID, PEER_ADDRESS } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { FAMILIES, splitDryRun } from '../support/netns-support.js';
import { runCli, SAMPLE_REPO } from '../support/sample-repo.js';
import { sleep } from '../support/world/exec.js';
import { processesWith } from '../support/world/processes.js';

const stepKindsOf = (json: string): string[] => JSON.parse(json).plan.steps.map((s: { kind: string }) => s.kind);

const HOST = 'hand-1';
const template = (name: string) => readFileSync(join(SAMPLE_REPO, 'templates', name), 'utf8');

interface HandMade {
  title: string;
  template: string;
  kumactl: string[];
  kumaDp?: string[];
  env?: Record<string, string>;
  /** A tproxy config written by hand, given to kumactl (--config) and to kuma-dp (--transparent-proxy-config). */
  tproxyFile?: string;
  /** How adopt should say it found the version; default: kuma-dp's own answer. */
  versionFrom?: string;
  /** Kuma version of kuma-dp (the stand-in's KUMA_STANDIN_VERSION) and of kumactl; default 2.14.3, the fleet's. */
  version?: string;
  /** What the host file should be made of: its top-level keys, its groups, the other files written. */
  expect: { keys: string[]; groups?: string[]; files: string[] };
}

const SSH = ['--exclude-inbound-ports', '22'];
const CASES: HandMade[] = [
  {
    title: 'the guide (dual stack): the fleet gives everything but the vars and the world’s paths',
    template: template('service.yaml'),
    kumactl: ['--redirect-dns', ...SSH],
    expect: { keys: ['dataplane', 'kumaDp'], files: [] },
  },
  {
    title: 'IPv4 only: the ipv4-only group, its tproxy layer and its template',
    template: template('service-ipv4.yaml'),
    kumactl: ['--ip-family-mode', 'ipv4', '--redirect-dns', ...SSH],
    expect: { keys: ['groups', 'dataplane', 'kumaDp'], groups: ['ipv4-only'], files: [] },
  },
  {
    title: 'DNS capture-all with outbound exclusions: the capture-all-dns group',
    template: template('service.yaml'),
    kumactl: [
      '--redirect-all-dns-traffic',
      ...SSH,
      '--exclude-outbound-ports',
      '5432',
      '--exclude-outbound-ips',
      '169.254.169.254/32,10.20.0.0/16',
    ],
    expect: { keys: ['groups', 'dataplane', 'kumaDp'], groups: ['capture-all-dns'], files: [] },
  },
  {
    title: 'ports, IPs, UIDs, vnet, logs, drop-invalid, no conntrack split: a tproxy layer and a template of its own',
    template: template('service.yaml').replace('redirectPortInbound: 15006', 'redirectPortInbound: 15010'),
    kumactl: [
      '--redirect-inbound-port',
      '15010',
      ...SSH,
      '--vnet',
      'docker0:172.17.0.0/16',
      '--exclude-outbound-ports-for-uids',
      'tcp:3000-5000:106-108',
      '--exclude-outbound-ips',
      '10.0.0.1,fd00::/8',
      '--exclude-inbound-ips',
      '192.168.0.1,fe80::/10',
      '--iptables-logs',
      '--drop-invalid-packets',
      '--redirect-dns',
      '--skip-dns-conntrack-zone-split',
    ],
    expect: {
      keys: ['tproxyConfig', 'dataplane', 'kumaDp'],
      files: [`tproxy/${HOST}.yaml`, `templates/${HOST}.yaml`],
    },
  },
  {
    title: 'comments off, DNS on port 15153 for kuma-dp and kumactl, a KUMA_ variable',
    template: template('service.yaml'),
    kumactl: ['--disable-comments', '--redirect-dns', '--redirect-dns-port', '15153', ...SSH],
    kumaDp: ['--dns-coredns-port', '15153'],
    env: { KUMA_DATAPLANE_DRAIN_TIME: '5s' },
    expect: { keys: ['tproxyConfig', 'dataplane', 'kumaDp'], files: [`tproxy/${HOST}.yaml`] },
  },
  {
    title: 'Kuma 2.13: kuma-dp and kumactl of another version than the fleet’s',
    template: template('service.yaml'),
    kumactl: ['--redirect-dns', ...SSH],
    version: '2.13.10',
    expect: { keys: ['kumaVersion', 'dataplane', 'kumaDp'], files: [] },
  },
  {
    title: 'a kuma-dp that does not answer `version`: the version is read off the rules, and the output says so',
    template: template('service.yaml'),
    kumactl: ['--redirect-dns', ...SSH],
    env: { KUMA_STANDIN_NO_VERSION: '1' },
    versionFrom: 'read off the rules, kumactl 2.14',
    expect: { keys: ['dataplane', 'kumaDp'], files: [] },
  },
  {
    title: 'one tproxy file written by hand for kumactl and kuma-dp (2.11+): kept where it is, read by meaning',
    template: template('service.yaml'),
    tproxyFile:
      '# by hand\nkumaDPUser: kuma-dp\nredirect: {inbound: {excludePorts: [22], port: 15006}, dns: {enabled: true}}\n',
    kumactl: [],
    // kuma-dp reads the file, so its meaning must be kept: the fleet's layer does not name the user.
    expect: { keys: ['tproxyConfig', 'dataplane', 'kumaDp'], files: [`tproxy/${HOST}.yaml`] },
  },
];

/** The guide's `kuma-dp run` command line, spelt as in the guide (`--flag value`). */
const guideFlags = (h: E2eHost) => [
  ...['--cp-address', `https://${PEER_ADDRESS}:5678`],
  ...['--dataplane-token-file', h.files.token],
  ...['--dataplane-file', h.files.dataplane],
  ...['--dataplane-var', `name=${HOST}`, '--dataplane-var', `address=${HOST_ADDRESS}`],
  ...['--dataplane-var', 'port=8080', '--dataplane-var', 'service=web'],
  ...['--binary-path', '/usr/local/bin/envoy', '--dns-coredns-path', '/usr/local/bin/coredns'],
];

/** Sets the host up by hand: template, kuma-dp (ready), then the rules of `kumactl`. */
async function handMade(h: E2eHost, c: HandMade): Promise<void> {
  await writeFile(h.files.dataplane, c.template, { mode: 0o644 });
  if (c.tproxyFile) await writeFile(h.files.tproxy, c.tproxyFile, { mode: 0o644 });
  const passed = c.tproxyFile ? ['--transparent-proxy-config', h.files.tproxy] : [];
  h.startByHand([...guideFlags(h), ...passed, ...(c.kumaDp ?? [])], {
    KUMA_STANDIN_LISTEN_ADDRESSES: '0.0.0.0,::',
    ...(c.version ? { KUMA_STANDIN_VERSION: c.version } : {}),
    ...c.env,
  });
  const deadline = Date.now() + 60_000;
  while (!(await h.ready()).ok) {
    if (Date.now() > deadline) throw new Error('the hand-started kuma-dp did not answer ready in 60 s');
    await sleep(100);
  }
  const facts = await factsFile(h, { 'kuma-dp': KUMA_DP_UID });
  const version = ['--kuma-version', c.version ?? '2.14.3'];
  const config = c.tproxyFile ? ['--config', h.files.tproxy] : [];
  const rules = await runCli([
    'tproxy',
    'rules',
    '--format',
    'restore',
    ...version,
    ...config,
    '--facts',
    facts,
    '--',
    ...c.kumactl,
  ]);
  expect([rules.code, rules.err]).toEqual([0, '']);
  for (const family of FAMILIES) {
    const restore = splitDryRun(rules.out)[family];
    if (restore) await h.restore(family, restore);
  }
}

await describeE2e('adopt a host set up by hand', (_backend, fresh) => {
  it.each(CASES)(
    '$title',
    async (c) => {
      const h = await fresh();
      await handMade(h, c);
      const adopted = await h.cli('adopt', [], { host: HOST });
      expect([adopted.code, adopted.stderr]).toEqual([0, '']);
      const version = c.version ?? '2.14.3';
      const from = c.versionFrom ?? `\`kuma-dp version\`: kuma-dp-standin ${version}`;
      expect(adopted.stdout).toContain(`adopted ${HOST}: Kuma ${version} (${from}`);

      const plan = await h.cli('plan', [], { host: HOST });
      expect([plan.code, plan.stdout], plan.stderr).toEqual([0, expect.stringContaining('in sync')]);

      const doc = parse(readFileSync(join(h.repo, 'hosts', `${HOST}.yaml`), 'utf8'));
      if (process.env.SHOW)
        console.log(
          readFileSync(join(h.repo, 'hosts', `${HOST}.yaml`), 'utf8'),
          existsSync(join(h.repo, 'tproxy', `${HOST}.yaml`))
            ? readFileSync(join(h.repo, 'tproxy', `${HOST}.yaml`), 'utf8')
            : '',
        );
      expect(Object.keys(doc)).toEqual(c.expect.keys);
      expect(doc.groups).toEqual(c.expect.groups);
      expect(doc.kumaVersion).toBe(c.version);
      // The guide keeps no tproxy file: none is written; a file kuma-dp is given stays where it is, as it is.
      expect(doc.kumaDp).toMatchObject(
        c.tproxyFile ? { tproxyConfigFile: h.files.tproxy, passTproxyConfig: true } : { writeTproxyConfigFile: false },
      );
      // The guide keeps no tproxy file: none is written; a file kuma-dp is given stays where it is, as it is.
      expect(doc.kumaDp).toMatchObject(
        c.tproxyFile ? { tproxyConfigFile: h.files.tproxy, passTproxyConfig: true } : { writeTproxyConfigFile: false },
      );
      expect(doc.dataplane).toEqual({
        vars: { name: HOST, address: HOST_ADDRESS, port: 8080, service: 'web' },
        ...(c.expect.files.some((f) => f.startsWith('templates/')) ? { template: `templates/${HOST}.yaml` } : {}),
      });
      if (c.tproxyFile)
        expect(readFileSync(join(h.repo, 'tproxy', `${HOST}.yaml`), 'utf8')).toBe('kumaDPUser: kuma-dp\n');
      for (const file of [`tproxy/${HOST}.yaml`, `templates/${HOST}.yaml`]) {
        expect([file, existsSync(join(h.repo, file))]).toEqual([file, c.expect.files.includes(file)]);
      }
    },
    180_000,
  );

  it('after adopting: a no-op apply leaves the hand-started kuma-dp alone; a change replaces it by exactly one of ours', async () => {
    const h = await fresh();
    await handMade(h, CASES[0]!);
    const hand = () => processesWith(h.files.dataplane).filter((p) => p.argv.includes(`--dataplane-var`));
    const [before] = hand();
    expect((await h.cli('adopt', [], { host: HOST })).code).toBe(0);

    const noop = await h.cli('apply', ['--ready-timeout', '30', '--output', 'json'], { host: HOST });
    expect([noop.code, JSON.parse(noop.stdout).plan.steps], noop.stderr).toEqual([0, []]);
    expect(hand().map((p) => p.pid)).toContain(before!.pid);

    // A new var: kuma-dp must restart with it, so the hand-started one is stopped first.
    const file = join(h.repo, 'hosts', `${HOST}.yaml`);
    await writeFile(file, readFileSync(file, 'utf8').replace('service: web }', 'service: web, zone: z1 }'));
    const planned = await h.cli('plan', [], { host: HOST });
    expect([planned.code, planned.stdout]).toEqual([
      2,
      expect.stringContaining(
        `it was started outside kuma-gitops (pid ${before!.pid}): it is stopped, then kuma-gitops starts its own`,
      ),
    ]);
    const changed = await h.cli('apply', ['--ready-timeout', '30', '--output', 'json'], { host: HOST });
    expect([changed.code, stepKindsOf(changed.stdout)], changed.stderr).toEqual([
      0,
      ['start-kuma-dp', 'wait-ready', 'verify'],
    ]);
    expect(hand()).toEqual([]);
    const ours = processesWith(`--dataplane-file=${h.files.dataplane}`).filter((p) => p.argv[0] !== 'runuser');
    expect(ours.map((p) => [p.uid, p.argv.includes('--dataplane-var=zone=z1')])).toEqual([[KUMA_DP_UID, true]]);
    expect((await h.cli('plan', [], { host: HOST })).code).toBe(0);
  }, 180_000);

  it('--output json and yaml print the files and the empty plan, and write nothing', async () => {
    const h = await fresh();
    await handMade(h, CASES[1]!);
    const json = await h.cli('adopt', ['--output', 'json'], { host: HOST });
    expect([json.code, json.stderr]).toEqual([0, '']);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({
      host: HOST,
      adopted: true,
      groups: ['ipv4-only'],
      backend: h.backend,
      plan: { steps: [] },
    });
    expect(Object.keys(out.files)).toEqual([`hosts/${HOST}.yaml`]);
    const yaml = await h.cli('adopt', ['--output', 'yaml'], { host: HOST });
    expect([yaml.code, yaml.stdout.split('\n')[0]]).toEqual([0, `# hosts/${HOST}.yaml`]);
    expect(yaml.stdout).toContain(out.files[`hosts/${HOST}.yaml`]);
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses a host that redirects SSH into the mesh, with the repository’s check, and writes nothing', async () => {
    const h = await fresh();
    await handMade(h, { ...CASES[0]!, kumactl: ['--redirect-dns'] });
    const adopted = await h.cli('adopt', [], { host: HOST });
    expect(adopted.code).toBe(1);
    expect(adopted.stderr).toContain('the host as it runs breaks 1 check(s) of the repository');
    expect(adopted.stderr).toContain(`tproxy/${HOST}.yaml:4: safety.ssh-redirected`);
    expect(adopted.stderr).toContain(`--- tproxy/${HOST}.yaml (not written)\n`);
    expect(adopted.stderr).toContain('nothing was written');
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses, writing nothing: a host file that exists already; a host without a running kuma-dp', async () => {
    const h = await fresh();
    const exists = await h.cli('adopt', [], { host: 'example-server' });
    expect([exists.code, exists.stderr]).toEqual([
      1,
      expect.stringContaining('hosts/example-server.yaml exists already'),
    ]);
    const none = await h.cli('adopt', [], { host: HOST });
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining(`no kuma-dp runs in namespace ${h.netns}`)]);
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses a host whose rules were edited by hand, naming the rule, and writes nothing', async () => {
    const h = await fresh();
    await handMade(h, CASES[0]!);
    const edited = '-A KUMA_MESH_OUTBOUND -p tcp -m tcp --dport 9000 -j RETURN';
    await h.restore('ipv4', `*nat\n${edited}\nCOMMIT\n`);
    const adopted = await h.cli('adopt', [], { host: HOST });
    expect(adopted.code).toBe(1);
    expect(adopted.stderr).toContain(
      `ipv4 nat KUMA_MESH_OUTBOUND: no kumactl config of Kuma 2.14.3 writes \`${edited}\``,
    );
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);
});
