/**
 * Kuma's vectors (REFERENCE §7) as `kuma-gitops tproxy` command lines: which version, facts and kumactl flags
 * reproduce each golden. Facts go through a real `--facts` file, as a user would give them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Family } from '../../src/model/family.js';
import type { DistroGolden } from '../iptables/goldens.js';
import { KUMA_GOLDEN_CASES, KUMA_GOLDEN_VERSIONS } from './kuma-golden.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-golden-inputs-'));
// Each test file evaluates this module afresh, so the hook removes that file's directory when it is done.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** Writes `content` (YAML/JSON text, or an object written as JSON) to a fresh temp file and returns its path. */
export function tempFile(content: string | object, ext = '.json'): string {
  const path = join(dir, `f${files++}${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** What Kuma's kumactl tests see (§7.1): non-root, no usable iptables, only `root` in /etc/passwd. */
export const KUMACTL_FACTS = tempFile({ executables: false, users: { root: 0 } });

/**
 * What the distro containers are (§7.2): root with working iptables and every module, `kuma-dp` added with
 * UID 5678 by the post-start commands, IPv6 usable (the v6 goldens hold rules). The goldens already carry
 * `-o ifPlaceholder`, so that is the loopback name. No DNS servers are needed: `default` leaves DNS off and
 * `with-multiple-flags` captures all DNS traffic, for which kumactl never reads resolv.conf (§1.6). No
 * DOCKER_OUTPUT chain: the goldens' DNS rule returns instead of jumping to it.
 */
export const DISTRO_FACTS = tempFile(
  'loopbackInterface: ifPlaceholder\nusers: {kuma-dp: 5678, root: 0}\nipv6: true\ndnsServers: []\n',
  '.yaml',
);

/**
 * Kuma's v2.13 IPv6 distro goldens lack the OUTPUT tcp/53 RETURN that its v2.13 IPv4 goldens and kumactl
 * goldens have, and otherwise equal 2.13.0 output (REFERENCE §2.13, variant V2): they are stale, since Kuma
 * compares IPv6 goldens only when its suite runs with IPV6=true. We check them as 2.13.0 vectors.
 */
export function distroVersion(golden: Pick<DistroGolden, 'version' | 'family'>): string {
  return golden.version === 'v2.13' && golden.family === 'ipv6'
    ? '2.13.0'
    : KUMA_GOLDEN_VERSIONS[golden.version as keyof typeof KUMA_GOLDEN_VERSIONS];
}

/** The kumactl flags of a distro case: `--kuma-dp-user kuma-dp` and the case's own (cases.json `distro/*`). */
export function distroFlags(scenario: string): string[] {
  const c = KUMA_GOLDEN_CASES[`distro/${scenario}`];
  if (!c) throw new Error(`cases.json has no distro/${scenario}`);
  return ['--kuma-dp-user', 'kuma-dp', ...c.flags];
}

/** `tproxy diff` argv for a distro golden with its case's inputs; the live ruleset comes from `live`. */
export function distroDiffArgv(golden: DistroGolden, live: string, output: 'text' | 'json' = 'json'): string[] {
  return [
    'tproxy',
    'diff',
    '--live',
    live,
    '--family',
    golden.family satisfies Family,
    '--kuma-version',
    distroVersion(golden),
    '--facts',
    DISTRO_FACTS,
    '--output',
    output,
    '--',
    ...distroFlags(golden.scenario),
  ];
}
