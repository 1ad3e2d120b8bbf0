/**
 * Conformance with Kuma's `kumactl install transparent-proxy --dry-run` vectors (REFERENCE §7.1), for every
 * version directory, all through `kuma-gitops tproxy rules`: the goldens byte for byte after Kuma's own
 * normalisation, and the error vectors' exact stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUMACTL_FACTS } from '../support/golden-inputs.js';
import {
  DEAD_KUMACTL_GOLDEN,
  KUMA_GOLDEN_CASES,
  KUMA_GOLDEN_DIR,
  KUMA_GOLDEN_VERSIONS,
  normaliseKumactl,
} from '../support/kuma-golden.js';
import { runCli } from '../support/sample-repo.js';

const goldenCases = Object.entries(KUMA_GOLDEN_CASES).filter(
  ([name, c]) => name.startsWith('kumactl/') && c.golden !== null && !c.golden.endsWith(DEAD_KUMACTL_GOLDEN),
);
const errorCases = Object.entries(KUMA_GOLDEN_CASES).filter(([name]) => name.startsWith('kumactl-error/'));

const rules = (version: string, flags: string[]) =>
  runCli([
    'tproxy',
    'rules',
    '--format',
    'restore',
    '--kuma-version',
    version,
    '--facts',
    KUMACTL_FACTS,
    '--',
    ...flags,
  ]);

describe.each(Object.entries(KUMA_GOLDEN_VERSIONS))('kumactl dry-run goldens in %s', (dir, version) => {
  it('every golden file but the dead one has a case', () => {
    const files = readdirSync(join(KUMA_GOLDEN_DIR, dir, 'kumactl')).filter((f) => f !== DEAD_KUMACTL_GOLDEN);
    const covered = new Set(goldenCases.map(([, c]) => c.golden!.replace('kumactl/', '')));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(goldenCases)('%s is byte-identical', async (_, c) => {
    // The case's whole kumactl command line (`install transparent-proxy --dry-run --ip-family-mode ipv4 …`).
    const r = await rules(version, c.flags);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(normaliseKumactl(r.out)).toBe(readFileSync(join(KUMA_GOLDEN_DIR, dir, c.golden!), 'utf8'));
  });

  it.each(errorCases)('%s: exit 1 with kumactl message', async (_, c) => {
    const r = await rules(version, c.flags);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    if (c.expected_stderr !== undefined) expect(r.err).toBe(c.expected_stderr);
    else expect(r.err).toBe(`Error: ${c.expected_stderr_contains}`);
  });
});
