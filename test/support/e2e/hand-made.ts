/**
 * Hosts set up by hand the guide's way, for the adopt acceptance tests: the Dataplane template written by hand, the
 * stand-in kuma-dp started with `runuser -u kuma-dp -- kuma-dp run --flag value ...` (not by kuma-gitops), then the
 * rules of a kumactl invocation (`tproxy rules --format restore`) restored into the host namespace.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FAMILIES, splitDryRun } from '../netns-support.js';
import { runCli, SAMPLE_REPO } from '../sample-repo.js';
import { sleep } from '../world/exec.js';
import { factsFile } from './e2e-cli.js';
import { type E2eHost, HOST_ADDRESS, KUMA_DP_UID, PEER_ADDRESS } from './e2e-host.js';

export const HOST = 'hand-1';
export const template = (name: string) => readFileSync(join(SAMPLE_REPO, 'templates', name), 'utf8');

export interface HandMade {
  title: string;
  template: string;
  kumactl: string[];
  kumaDp?: string[];
  env?: Record<string, string>;
  /** A tproxy config written by hand, given to kumactl (--config) and to kuma-dp (--transparent-proxy-config). */
  tproxyFile?: string;
  /** A config file given to kumactl only (`--config`), for settings kumactl has no flag for. */
  kumactlConfig?: string;
  /** How adopt should say it found the version; default: kuma-dp's own answer. */
  versionFrom?: string;
  /** Kuma version of kuma-dp (the stand-in's KUMA_STANDIN_VERSION) and of kumactl; default 2.14.3, the fleet's. */
  version?: string;
  /** What the host file should be made of: its top-level keys, its groups, the other files written. */
  expect: { keys: string[]; groups?: string[]; files: string[]; layerHas?: string[] };
}

export const SSH = ['--exclude-inbound-ports', '22'];

export const GUIDE_CASE: HandMade = {
  title: 'the guide (dual stack): the fleet gives everything but the vars and the world’s paths',
  template: template('service.yaml'),
  kumactl: ['--redirect-dns', ...SSH],
  expect: { keys: ['dataplane', 'kumaDp'], files: [] },
};

export const IPV4_CASE: HandMade = {
  title: 'IPv4 only: the ipv4-only group, its tproxy layer and its template',
  template: template('service-ipv4.yaml'),
  kumactl: ['--ip-family-mode', 'ipv4', '--redirect-dns', ...SSH],
  expect: { keys: ['groups', 'dataplane', 'kumaDp'], groups: ['ipv4-only'], files: [] },
};

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
export async function handMade(h: E2eHost, c: HandMade): Promise<void> {
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
  if (c.kumactlConfig) {
    await writeFile(join(h.dir, 'kumactl.yaml'), c.kumactlConfig);
    config.push('--config', join(h.dir, 'kumactl.yaml'));
  }
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
