/**
 * Kuma's vectors (REFERENCE §7) as `kuma-gitops tproxy` command lines: which version, facts and kumactl flags
 * reproduce each golden. Facts go through a real `--facts` file, as a user would give them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Family } from '../../src/tproxy/rules/built-rules.js';
import { type DistroGolden, GOLDEN_DIR } from '../iptables/goldens.js';

export interface GoldenCase {
  flags: string[];
  extra_flags?: string[];
  golden: string | null;
  expected_stderr?: string;
  expected_stderr_contains?: string;
}

export const CASES = JSON.parse(readFileSync(join(GOLDEN_DIR, 'cases.json'), 'utf8')) as Record<string, GoldenCase>;

/** Version directories and the Kuma version each one models. */
export const VERSION_DIRS: Record<string, string> = { 'v2.9': '2.9', 'v2.13': '2.13', 'v2.14': '2.14' };

const dir = mkdtempSync(join(tmpdir(), 'kg-tproxy-cli-'));
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
  return golden.version === 'v2.13' && golden.family === 'ipv6' ? '2.13.0' : VERSION_DIRS[golden.version]!;
}

/** The kumactl flags of a distro case: `--kuma-dp-user kuma-dp` and the case's own (cases.json `distro/*`). */
export function distroFlags(scenario: string): string[] {
  const c = CASES[`distro/${scenario}`];
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

/** Kuma's normalisation of dry-run stdout (cases.json `_meta.kumactl_normalisation`). */
export function normaliseKumactl(out: string): string {
  return out
    .replace(/-o ([^ ]+)/g, '-o ifPlaceholder')
    .replace(/-m comment --comment ".*?" /g, '')
    .replace(
      /^-I OUTPUT (\d+) -p udp --dport 53 -m owner --uid-owner (\d+) -j (\w+)$/gm,
      '-I OUTPUT $1 -p udp --dport 53 -m owner --uid-owner $2 -j dnsJumpTargetPlaceholder',
    );
}
