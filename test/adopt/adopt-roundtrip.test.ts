/**
 * The adoption chain without a host: rules a kumactl config gives -> adopt (read the config and version off the
 * rules, choose the host file on the sample repository's layers, compile, plan) -> an empty plan, i.e. the same
 * rules, the same kuma-dp and the same template. For random configs the repository accepts, adopt must always find
 * such a description; version choice and minimal files are checked on fixed cases.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { adoptedTproxy } from '../../src/adopt/adopted-tproxy.js';
import { chooseAdoption } from '../../src/adopt/choose-adoption.js';
import { adoptKumaDpCommand } from '../../src/adopt/kuma-dp-settings.js';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { type LoadedRepo, loadRepo } from '../../src/desired/load-repo.js';
import { memoryRepoReader } from '../../src/desired/memory-reader.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import type { ResolvedHostFacts } from '../../src/model/host-facts.js';
import type { LiveState } from '../../src/model/live-state.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { formatTproxyConfigYaml } from '../../src/tproxy/format-config.js';
import { DEFAULT_HOST_POLICY } from '../../src/validate/host-policy.js';
import { parseKumaVersion } from '../../src/versions.js';
import type { SourceFile } from '../../src/yaml/yaml-source.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';
import { tproxyConfigArbitrary } from '../support/tproxy-arbitrary.js';

const FACTS: ResolvedHostFacts = {
  loopbackInterface: 'lo',
  users: { root: 0, 'kuma-dp': 5678, app: 1000 },
  dnsServers: ['10.0.0.2'],
  ipv6: true,
  executables: true,
  modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
  tables: { nat: true, raw: true, mangle: true },
  dockerOutputChain: false,
};
const HOST = 'hand-1';
let files: Map<string, SourceFile>;
let repo: LoadedRepo;

beforeAll(async () => {
  const reader = dirRepoReader(SAMPLE_REPO);
  files = new Map();
  for (const path of await reader.list()) files.set(path, (await reader.read(path))!);
  repo = await loadRepo(reader);
});

/** A host set up by hand with config `c`: the guide's kuma-dp (its DNS port), a template with c's redirect ports. */
function handMade(c: TproxyConfig, version = '2.14.3') {
  const computed = computeRules(parseKumaVersion(version), c, FACTS, '5678');
  const families: LiveState['rules']['families'] = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (computed.save(family) !== undefined) families[family] = computed.expected(family) as SavedRuleSet;
  }
  const argv = [
    ...['runuser', '-u', 'kuma-dp', '--', '/usr/local/bin/kuma-dp', 'run'],
    ...['--cp-address', 'https://kuma-cp.mesh.internal:5678', '--dataplane-token-file', `/kuma/${HOST}-token`],
    ...['--dataplane-file', `/kuma/${HOST}-dataplane.yaml`, '-v', `name=${HOST},address=10.0.9.1,port=8080`],
    ...['--dataplane-var', 'service=web', '--binary-path', '/usr/local/bin/envoy'],
    ...['--dns-coredns-path', '/usr/local/bin/coredns', '--dns-coredns-port', String(c.redirect.dns.port)],
  ];
  const template = files
    .get('templates/service.yaml')!
    .text.replace('redirectPortInbound: 15006', `redirectPortInbound: ${c.redirect.inbound.port}`)
    .replace('redirectPortOutbound: 15001', `redirectPortOutbound: ${c.redirect.outbound.port}`);
  return { families, argv, template };
}

async function adopt(c: TproxyConfig, version = '2.14.3', answer = version, on = { repo, files }) {
  const h = handMade(c, version);
  const kumaDp = adoptKumaDpCommand(h.argv, {});
  const versionAnswer = answer ? { version: answer, text: `Kuma: ${answer}` } : { error: 'no answer' };
  const tproxy = adoptedTproxy(
    { rules: { backend: 'nft', families: h.families }, facts: FACTS, versionAnswer },
    '2.14.3',
  );
  if (!tproxy.ok) throw new Error(tproxy.problems.join('\n'));
  const live = (paths: string[]): LiveState => ({
    facts: FACTS,
    rules: { backend: 'nft', families: h.families },
    kumaDp: { pid: 1, argv: h.argv, env: {}, uid: 5678, ready: true },
    files: Object.fromEntries(
      paths.map((p) => [
        p,
        p.endsWith('-dataplane.yaml') ? { content: h.template, mode: 0o644, uid: 0, gid: 0 } : undefined,
      ]),
    ),
    access: [],
  });
  const chosen = await chooseAdoption({
    host: HOST,
    repo: on.repo,
    files: on.files,
    kumaDp,
    uid: 5678,
    templateText: h.template,
    kumaVersion: tproxy.version,
    tproxy: tproxy.config,
    facts: FACTS,
    policy: DEFAULT_HOST_POLICY,
    header: '',
    readLive: async (target) => live(target.files.map((f) => f.path)),
  });
  return { ...chosen, tproxy, kumaDp };
}

/** Does the repository accept a host running config `c` as it is (its own tproxy layer and template)? */
async function repositoryAccepts(c: TproxyConfig): Promise<boolean> {
  const h = handMade(c);
  const { kumaDp } = adoptKumaDpCommand(h.argv, {});
  const all = new Map(files);
  const add = (path: string, text: string) => all.set(path, { path, text });
  add('tproxy/control.yaml', formatTproxyConfigYaml(c));
  add('templates/control.yaml', h.template);
  const host = {
    tproxyConfig: 'tproxy/control.yaml',
    dataplane: {
      template: 'templates/control.yaml',
      vars: { name: HOST, address: '10.0.9.1', port: 8080, service: 'web' },
    },
    kumaDp,
  };
  add(`hosts/${HOST}.yaml`, JSON.stringify(host));
  const [result] = compileRepo(await loadRepo(memoryRepoReader('control', all)), HOST, DEFAULT_HOST_POLICY);
  return result!.issues.every((i) => i.severity !== 'error');
}

describe('adopt, pure', () => {
  it('the guide’s host: only the vars and writeTproxyConfigFile, on the fleet alone', async () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.dns.enabled = true;
    c.redirect.inbound.excludePorts = [22];
    const { best } = await adopt(c);
    expect(best.plan?.steps).toEqual([]);
    expect([...best.files.keys()]).toEqual([`hosts/${HOST}.yaml`]);
    expect(best.files.get(`hosts/${HOST}.yaml`)).toBe(
      `dataplane:\n  vars: { name: hand-1, address: 10.0.9.1, port: 8080, service: web }\nkumaDp:\n  writeTproxyConfigFile: false\n`,
    );
  });

  it('a fleet that passes its tproxy file to kuma-dp: the hand-made host, which has none, says so', async () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.dns.enabled = true;
    c.redirect.inbound.excludePorts = [22];
    const passing = new Map(files);
    const fleet = `${files.get('fleet.yaml')!.text.replace('kumaDp:\n', 'kumaDp:\n  passTproxyConfig: true\n')}`;
    passing.set('fleet.yaml', { path: 'fleet.yaml', text: fleet });
    const on = { repo: await loadRepo(memoryRepoReader('passing', passing)), files: passing };
    const { best } = await adopt(c, '2.14.3', '2.14.3', on);
    expect(best.plan?.steps).toEqual([]);
    expect(best.files.get(`hosts/${HOST}.yaml`)).toContain(
      '  passTproxyConfig: false\n  writeTproxyConfigFile: false\n',
    );
  });

  it('the version: kuma-dp’s answer wins; without one, the fleet’s when its rules fit, else the newest that fits', async () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    c.redirect.inbound.excludePorts = [22];
    expect((await adopt(c, '2.13.10')).tproxy).toMatchObject({
      version: '2.13.10',
      from: '`kuma-dp version`: Kuma: 2.13.10',
    });
    const fromRules = (await adopt(c, '2.14.3', '')).tproxy;
    expect(fromRules).toMatchObject({
      version: '2.14.3',
      from: expect.stringContaining('read off the rules, kumactl 2.14'),
    });
    const unsupported = adoptedTproxy({
      rules: { backend: 'nft', families: handMade(c).families },
      facts: FACTS,
      versionAnswer: { version: '2.15.0', text: '' },
    });
    expect(unsupported).toEqual({
      ok: false,
      problems: [
        'kuma-dp says it is Kuma 2.15.0: kuma-gitops computes kumactl’s rules for Kuma 2.9 to 2.14 only'.replace(
          '’',
          "'",
        ),
      ],
    });
  });

  it('a host that redirects SSH into the mesh is described, but not accepted: the repository’s own check says why', async () => {
    const c = defaultTproxyConfig();
    c.kumaDPUser = 'kuma-dp';
    const { best, exact } = await adopt(c);
    expect(best.plan?.steps.length).toBeGreaterThan(0);
    expect(exact?.issues.map((i) => i.code)).toContain('safety.ssh-redirected');
  });

  it('round trip: for 150 random configs the repository accepts, adopt finds a description with an empty plan', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(tproxyConfigArbitrary(['kuma-dp']), async (c) => {
        try {
          computeRules(parseKumaVersion('2.14.3'), c, FACTS, '5678');
        } catch {
          return; // kumactl itself refuses this config
        }
        if (!(await repositoryAccepts(c))) return;
        accepted++;
        const { best } = await adopt(c);
        expect(best.issues).toEqual([]);
        expect(best.plan?.steps).toEqual([]);
      }),
      { numRuns: 150 },
    );
    // Not vacuous: most random configs are hosts the repository accepts.
    expect(accepted).toBeGreaterThan(50);
  }, 120_000);
});
