/**
 * One rule computation: for every kumactl dry-run golden that a desired-state host can express (the case's flags
 * turned into the host's tproxy layer by `tproxy import`, Kuma's test facts as the host's facts), `render` prints
 * the same rules as `tproxy rules` on that file, and both equal Kuma's golden after Kuma's normalisation. Also
 * with `verbose: true` (kumactl's long option names) and `comments.disabled`, where they once differed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  DEAD_KUMACTL_GOLDEN,
  KUMA_GOLDEN_CASES,
  KUMA_GOLDEN_DIR,
  KUMA_GOLDEN_VERSIONS,
  normaliseKumactl,
} from '../support/kuma-golden.js';
import { runCli, sampleRepoWith } from '../support/sample-repo.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

const cases = Object.entries(KUMA_GOLDEN_CASES).filter(
  ([name, c]) => name.startsWith('kumactl/') && c.golden !== null && !c.golden.endsWith(DEAD_KUMACTL_GOLDEN),
);
/** What Kuma's kumactl tests see (REFERENCE §7.1): non-root, no usable iptables, only root in /etc/passwd. */
const FACTS = { executables: false, users: { root: 0 } };
const VARIANTS = {
  'as written': (c: Record<string, unknown>) => c,
  'verbose: true': (c: Record<string, unknown>) => ({ ...c, verbose: true }),
  'comments.disabled': (c: Record<string, unknown>) => ({ ...c, comments: { disabled: true } }),
} as const;

/** The host's rules as `render --output json` gives them, and `tproxy rules` on the host's own tproxy file. */
async function bothWays(version: string, config: Record<string, unknown>) {
  const tproxy = stringify(config);
  const repo = sampleRepoWith({
    'fleet.yaml': `kumaVersion: "${version}"\ntproxyConfig: tproxy/fleet.yaml\nkumaDp:\n  cpAddress: https://kuma-cp.mesh.internal:5678\n`,
    'tproxy/fleet.yaml': tproxy,
    'hosts/example-server.yaml':
      'dataplane:\n  template: templates/example-server.yaml\n' +
      '  vars: { name: example-server-dataplane, address: 192.168.10.10, port: 8080 }\n' +
      `service:\n  user: app\n  ports: [8080]\nhostFacts: ${JSON.stringify(FACTS)}\n`,
  });
  repos.push(repo);
  const rendered = await runCli(['render', '--repo', repo, '--host', 'example-server', '--output', 'json']);
  const dryRun = (JSON.parse(rendered.out) as { rules?: { dryRun: string } }).rules?.dryRun;
  const facts = join(repo, 'facts.json');
  writeFileSync(facts, JSON.stringify(FACTS));
  const cli = await runCli([
    'tproxy',
    'rules',
    '--kuma-version',
    version,
    '--facts',
    facts,
    '--config',
    join(repo, 'tproxy/fleet.yaml'),
  ]);
  expect(cli.code, cli.err).toBe(0);
  return { render: dryRun, rules: cli.out };
}

describe.each(Object.entries(KUMA_GOLDEN_VERSIONS))('render = tproxy rules = golden, %s', (dir, version) => {
  it.each(cases)('%s', async (_name, c) => {
    // install transparent-proxy --dry-run ... -> the case's own flags, as a config file (what a host's layer holds).
    const flags = c.flags.slice(c.flags.indexOf('--dry-run') + 1);
    const imported = await runCli(['tproxy', 'import', '--kuma-version', version, '--', ...flags]);
    expect(imported.code, imported.err).toBe(0);
    const config = (parse(imported.out) ?? {}) as Record<string, unknown>;
    const golden = readFileSync(join(KUMA_GOLDEN_DIR, dir, c.golden!), 'utf8');
    for (const [variant, change] of Object.entries(VARIANTS)) {
      const { render, rules } = await bothWays(version, change(config));
      expect(render, `${variant}: render prints what tproxy rules prints`).toBe(rules);
      // Kuma's normalisation drops `-m comment`; the long option names of verbose have no golden.
      if (variant !== 'verbose: true') expect(normaliseKumactl(render!), variant).toBe(golden);
      else expect(render).toMatch(/^--append /m);
    }
  });
});
