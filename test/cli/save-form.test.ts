/**
 * `tproxy rules --format save` against what real hosts printed: on the images whose backend orders chains the
 * modern way (nft 1.8.7+) and lists only the tables in use, Kuma's distro goldens are exactly our save form,
 * byte for byte, for every version directory, case and family.
 */
import { describe, expect, it } from 'vitest';
import { loadDistroGoldens, withKumaRules } from '../iptables/goldens.js';
import { DISTRO_FACTS, distroFlags, distroVersion } from '../support/golden-inputs.js';
import { runCli } from '../support/sample-repo.js';

const MODERN_NFT = [
  'alpine-3',
  'amazon-linux-2023',
  'debian-11',
  'debian-12',
  'debian-13',
  'rhel-9',
  'ubuntu-22-04',
  'ubuntu-24-04',
];
const goldens = withKumaRules(loadDistroGoldens()).filter(
  (g) => MODERN_NFT.includes(g.image) && g.backend !== 'legacy',
);

describe('save form equals the nft 1.8.7+ distro goldens', () => {
  it('covers every version directory', () => {
    expect(new Set(goldens.map((g) => g.version))).toEqual(new Set(['v2.9', 'v2.13', 'v2.14']));
  });

  it.each(goldens.map((g) => [g.id, g] as const))('%s', async (_, g) => {
    const r = await runCli([
      'tproxy',
      'rules',
      '--format',
      'save',
      '--family',
      g.family,
      '--kuma-version',
      distroVersion(g),
      '--facts',
      DISTRO_FACTS,
      '--',
      ...distroFlags(g.scenario),
    ]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(g.text);
  });
});
