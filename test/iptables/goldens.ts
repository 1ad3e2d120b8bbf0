/**
 * The distro goldens of REFERENCE §7.2: `<image>-<case>.<flavour>.golden` under golden/<version>/distro/,
 * already normalised by Kuma's CleanIptablesSaveOutput (`-o ifPlaceholder`, no counters, no `#` lines).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Family } from '../../src/model/family.js';
import { KUMA_GOLDEN_DIR } from '../support/kuma-golden.js';

export type GoldenContent = 'save' | 'empty' | 'executable-not-found';

export interface DistroGolden {
  /** e.g. `v2.14/debian-12-with-multiple-flags.iptables-nft` */
  id: string;
  version: string;
  image: string;
  scenario: string;
  flavour: string;
  family: Family;
  backend: 'nft' | 'legacy' | 'default';
  content: GoldenContent;
  text: string;
}

const NAME =
  /^(.*?)(?:-(default|with-multiple-flags|with-multiple-config-flags))?\.(ip6?tables(?:-nft|-legacy)?)\.golden$/;

export function loadDistroGoldens(): DistroGolden[] {
  if (!existsSync(KUMA_GOLDEN_DIR))
    throw new Error(`Kuma goldens not found at ${KUMA_GOLDEN_DIR}; set KUMA_GOLDEN_DIR`);
  const out: DistroGolden[] = [];
  for (const version of readdirSync(KUMA_GOLDEN_DIR)
    .filter((v) => /^v\d/.test(v))
    .sort()) {
    const dir = join(KUMA_GOLDEN_DIR, version, 'distro');
    for (const file of readdirSync(dir).sort()) {
      const m = NAME.exec(file);
      if (!m) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      const flavour = m[3]!;
      out.push({
        id: `${version}/${file.replace(/\.golden$/, '')}`,
        version,
        image: m[1]!,
        scenario: m[2] ?? 'default',
        flavour,
        family: flavour.startsWith('ip6') ? 'ipv6' : 'ipv4',
        backend: flavour.endsWith('-nft') ? 'nft' : flavour.endsWith('-legacy') ? 'legacy' : 'default',
        content: text === '' ? 'empty' : text.trim() === 'executable not found' ? 'executable-not-found' : 'save',
        text,
      });
    }
  }
  return out;
}

/** Goldens that hold Kuma's rules (not just the empty tables left by kumactl's probing). */
export function withKumaRules(goldens: DistroGolden[]): DistroGolden[] {
  return goldens.filter((g) => g.content === 'save' && g.text.includes('KUMA_MESH'));
}

/** The one normalisation the goldens carry that a live host does not (`-o lo` → `-o ifPlaceholder`). */
export function normaliseLikeGoldens(text: string): string {
  return text.replace(/-o ([^ ]+)/g, '-o ifPlaceholder');
}
