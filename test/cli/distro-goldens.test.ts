/**
 * Kuma's distro goldens (REFERENCE §7.2: `*-save` after a real install on 16 images, nft 1.8.4/1.8.7+, legacy
 * 1.6/1.8) as live rulesets for `kuma-gitops tproxy diff`, with each case's kumactl flags and the facts of
 * those containers (see DISTRO_FACTS). Every golden that holds Kuma's rules is in sync; every golden without
 * them (only the empty tables kumactl's probing leaves, or an empty file) is drift; the "executable not found"
 * placeholders are not iptables-save output at all.
 */
import { describe, expect, it } from 'vitest';
import { loadDistroGoldens } from '../iptables/goldens.js';
import { distroDiffArgv } from '../support/golden-inputs.js';
import { KUMA_GOLDEN_DIR } from '../support/kuma-golden.js';
import { runCli } from '../support/sample-repo.js';

const goldens = loadDistroGoldens();
const path = (id: string) => `${KUMA_GOLDEN_DIR}/${id.replace('/', '/distro/')}.golden`;
const withKuma = goldens.filter((g) => g.content === 'save' && g.text.includes('KUMA_MESH'));
const withoutKuma = goldens.filter((g) => g.content !== 'executable-not-found' && !g.text.includes('KUMA_MESH'));
const notFound = goldens.filter((g) => g.content === 'executable-not-found');

describe('distro goldens through tproxy diff', () => {
  it('reads every version directory and every kind of golden', () => {
    expect(new Set(goldens.map((g) => g.version))).toEqual(new Set(['v2.9', 'v2.13', 'v2.14']));
    // The extraction of Kuma 348b652 (cases.json _meta): 270 with rules, 30 without, 100 placeholders.
    expect([withKuma.length, withoutKuma.length, notFound.length]).toEqual([270, 30, 100]);
  });

  it.each(withKuma.map((g) => [g.id, g] as const))('%s: in sync, exit 0', async (_, g) => {
    const r = await runCli(distroDiffArgv(g, path(g.id), 'text'));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^in sync: /);
    expect(r.code).toBe(0);
  });

  it.each(withoutKuma.map((g) => [g.id, g] as const))('%s: no Kuma rules, exit 2', async (_, g) => {
    const r = await runCli(distroDiffArgv(g, path(g.id)));
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as { inSync: boolean; differences: { kind: string; chain: string }[] };
    expect(report.inSync).toBe(false);
    // Nothing of ours is there: every Kuma chain and every jump into one is missing.
    expect(report.differences).toContainEqual(
      expect.objectContaining({ kind: 'missing-chain', chain: 'KUMA_MESH_OUTBOUND' }),
    );
    expect(report.differences).toContainEqual(expect.objectContaining({ kind: 'jump-missing', chain: 'OUTPUT' }));
  });

  it.each(notFound.map((g) => [g.id, g] as const))(
    '%s: not iptables-save output, exit 1 naming line 1',
    async (_, g) => {
      const r = await runCli(distroDiffArgv(g, path(g.id)));
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(`live ruleset ${path(g.id)}, line 1: expected a table header like *nat`);
    },
  );
});
