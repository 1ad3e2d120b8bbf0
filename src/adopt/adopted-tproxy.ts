import type { RuleDifference } from '../iptables/drift.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import { inferAcrossVersions, inferTproxyConfig } from '../tproxy/infer-config.js';
import {
  DEFAULT_KUMA_VERSION,
  formatKumaVersion,
  isSupported,
  type KumaVersion,
  parseKumaVersion,
} from '../versions.js';
import type { Adoptee } from './read-adoptee.js';

/**
 * The Kuma version and the kumactl config behind a hand-made host's rules. The version is kuma-dp's own answer
 * where the binary gives one, else read off the rules' shape (every supported kumactl is tried; the fleet's
 * version is kept when it is among those that fit, so the host file need not name one). Pure.
 */
export type AdoptedTproxy =
  | { ok: true; version: string; from: string; config: TproxyConfig }
  | { ok: false; problems: string[] };

export function adoptedTproxy(
  a: Pick<Adoptee, 'rules' | 'facts' | 'versionAnswer'>,
  fleetVersion?: string,
): AdoptedTproxy {
  const live = a.rules.families;
  if ('version' in a.versionAnswer) {
    const version = parseVersion(a.versionAnswer.version);
    if (!version || !isSupported(version)) {
      return {
        ok: false,
        problems: [
          `kuma-dp says it is Kuma ${a.versionAnswer.version}: kuma-gitops computes kumactl's rules for Kuma 2.9 to 2.14 only`,
        ],
      };
    }
    const r = inferTproxyConfig(live, a.facts, version);
    if (!r.ok) return { ok: false, problems: unexplained(r, a.versionAnswer.version) };
    const first = a.versionAnswer.text.split('\n')[0];
    return { ok: true, version: a.versionAnswer.version, from: `\`kuma-dp version\`: ${first}`, config: r.config };
  }
  const fits = inferAcrossVersions(live, a.facts);
  if (fits.length === 0) {
    const r = inferTproxyConfig(live, a.facts, parseKumaVersion(DEFAULT_KUMA_VERSION));
    return r.ok
      ? { ok: false, problems: ['no supported Kuma version gives these rules'] }
      : { ok: false, problems: unexplained(r, '2.9 to 2.14') };
  }
  const minor = (v: KumaVersion) => `${v.major}.${v.minor}`;
  const fleet = fleetVersion === undefined ? undefined : parseVersion(fleetVersion);
  const match = fleet && fits.find((f) => minor(f.version) === minor(fleet));
  const pick = match || fits[0]!;
  const version = match ? fleetVersion! : formatKumaVersion(pick.version);
  const from = `read off the rules, kumactl ${fits.map((f) => minor(f.version)).join(', ')} give them (${a.versionAnswer.error})`;
  return { ok: true, version, from, config: pick.config };
}

function parseVersion(text: string): KumaVersion | undefined {
  try {
    return parseKumaVersion(text);
  } catch {
    return undefined;
  }
}

function unexplained(r: { unexplained: RuleDifference[]; reason?: string }, versions: string): string[] {
  if (r.unexplained.length === 0)
    return [`no kumactl config of Kuma ${versions} explains the rules: ${r.reason ?? 'see tproxy infer'}`];
  return r.unexplained.map(
    (d) =>
      `${d.family} ${d.table} ${d.chain}: ${d.actual ? `no kumactl config of Kuma ${versions} writes \`${d.actual}\`` : `kumactl would also write \`${d.expected}\``}`,
  );
}
