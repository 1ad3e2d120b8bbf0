import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kuma's test vectors, vendored in test/kuma-golden (see its NOTICE.md); KUMA_GOLDEN_DIR points elsewhere. */
export const KUMA_GOLDEN_DIR = process.env.KUMA_GOLDEN_DIR ?? fileURLToPath(new URL('../kuma-golden', import.meta.url));

/**
 * One vector of cases.json (REFERENCE §7): how kumactl was run and what it gave. Which fields a case has
 * depends on its kind (`kumactl/`, `kumactl-error/`, `distro/`); the tests read only those their kind has.
 */
export interface KumaGoldenCase {
  command?: string[];
  flags: string[];
  /** `distro/` cases: the flags every distro run starts with (`--kuma-dp-user kuma-dp`). */
  base_flags: string[];
  extra_flags: string[];
  files: Record<string, string>;
  stdin: string;
  /** Path of the golden file, relative to its version directory; null when the case has none. */
  golden: string | null;
  expected_stderr?: string;
  expected_stderr_contains?: string;
  expect_error?: boolean;
}

/** cases.json, read once per test file. */
export const KUMA_GOLDEN_CASES = JSON.parse(readFileSync(join(KUMA_GOLDEN_DIR, 'cases.json'), 'utf8')) as Record<
  string,
  KumaGoldenCase
>;

/** The version directories of the vectors and the Kuma version each one models. */
export const KUMA_GOLDEN_VERSIONS = { 'v2.9': '2.9', 'v2.13': '2.13', 'v2.14': '2.14' } as const;

/** The kumactl dry-run golden Kuma no longer checks: stale placeholders and variant-V1 rules (REFERENCE §7.1). */
export const DEAD_KUMACTL_GOLDEN = 'install-transparent-proxy.dns.golden.txt';

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
