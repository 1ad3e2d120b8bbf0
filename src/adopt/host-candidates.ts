import { Document, isCollection } from 'yaml';
import { HOST_PLACEHOLDER, KUMA_DP_DEFAULTS } from '../desired/desired-host.js';
import type { LoadedRepo } from '../desired/load-repo.js';
import { mergeLayers } from '../desired/merge-layers.js';
import type { HostFile } from '../desired/schema.js';
import type { AdoptedKumaDp } from './kuma-dp-settings.js';

/**
 * The desired-state files an adopted host could have: for each way to build on the repository's layers (the fleet
 * alone, or the fleet and one group), the host file holds only what differs from them. Which one is right is
 * decided by compiling each and planning it against the live host (choose-adoption.ts). Pure.
 */
export interface AdoptionBase {
  host: string;
  repo: LoadedRepo;
  kumaDp: AdoptedKumaDp;
  /** The uid kuma-dp runs as. */
  uid: number | undefined;
  templateText: string;
  kumaVersion: string;
}

export interface Candidate {
  groups: string[];
  /** The host file's settings. */
  doc: HostFile;
  /** New repository files besides hosts/<host>.yaml (a template no layer has). */
  extra: Map<string, string>;
}

export function hostCandidates(b: AdoptionBase): Candidate[] {
  const groups = [[], ...[...b.repo.groups.keys()].sort().map((g) => [g])];
  return groups.map((g) => candidateOn(b, g));
}

function candidateOn(b: AdoptionBase, groups: string[]): Candidate {
  const layers = [b.repo.fleet?.data, ...groups.map((g) => b.repo.groups.get(g)?.data)];
  const base = mergeLayers<HostFile>(layers);
  const doc: HostFile = {};
  const extra = new Map<string, string>();
  if (groups.length > 0) doc.groups = groups;
  if (base.kumaVersion !== b.kumaVersion) doc.kumaVersion = b.kumaVersion;

  const template = templatePath(b, base.dataplane?.template);
  if (template === undefined) extra.set(`templates/${b.host}.yaml`, b.templateText);
  const dataplane: NonNullable<HostFile['dataplane']> = {};
  if (template !== base.dataplane?.template) dataplane.template = template ?? `templates/${b.host}.yaml`;
  const vars = Object.entries(b.kumaDp.vars).filter(([k, v]) => String(base.dataplane?.vars?.[k]) !== String(v));
  if (vars.length > 0) dataplane.vars = Object.fromEntries(vars);
  if (Object.keys(dataplane).length > 0) doc.dataplane = dataplane;

  const kumaDp = kumaDpDelta(b, base.kumaDp ?? {});
  if (Object.keys(kumaDp).length > 0) doc.kumaDp = kumaDp;
  return { groups, doc, extra };
}

/** The base's template when its text is the live one, else any repository template with that text. */
function templatePath(b: AdoptionBase, baseTemplate: string | undefined): string | undefined {
  const same = (path: string) => b.repo.files.get(path)?.text === b.templateText;
  if (baseTemplate !== undefined && same(baseTemplate)) return baseTemplate;
  return [...b.repo.files.keys()]
    .filter((p) => p.startsWith('templates/'))
    .sort()
    .find(same);
}

type KumaDpRaw = NonNullable<HostFile['kumaDp']>;

function kumaDpDelta(b: AdoptionBase, base: KumaDpRaw): KumaDpRaw {
  const sub = (v: unknown) => (typeof v === 'string' ? v.split(HOST_PLACEHOLDER).join(b.host) : v);
  const effective = (key: keyof KumaDpRaw) =>
    sub(base[key] ?? (KUMA_DP_DEFAULTS as Record<string, unknown>)[key as string]);
  const want: KumaDpRaw = { ...b.kumaDp.kumaDp, ...(b.uid === undefined ? {} : { uid: b.uid }) };
  const out: KumaDpRaw = {};
  for (const [key, value] of Object.entries(want) as [keyof KumaDpRaw, unknown][]) {
    if (key === 'dns' || key === 'env') continue;
    if (JSON.stringify(value) !== JSON.stringify(effective(key))) (out as Record<string, unknown>)[key] = value;
  }
  // A base list the live command does not have: an empty one replaces it (lists replace).
  if (want.extraArgs === undefined && (base.extraArgs?.length ?? 0) > 0) out.extraArgs = [];
  const dns = Object.entries({ ...KUMA_DP_DEFAULTS.dns, ...want.dns }).filter(
    ([k, v]) => v !== ({ ...KUMA_DP_DEFAULTS.dns, ...base.dns } as Record<string, unknown>)[k],
  );
  if (dns.length > 0) out.dns = Object.fromEntries(dns);
  const env = Object.entries(want.env ?? {}).filter(([k, v]) => base.env?.[k] !== v);
  if (env.length > 0) out.env = Object.fromEntries(env);
  return out;
}

/** hosts/<host>.yaml as text, like the sample hosts: their key order, groups and vars on one line. */
export function hostFileText(doc: HostFile, header: string): string {
  const order: (keyof HostFile)[] = ['groups', 'kumaVersion', 'tproxyConfig', 'dataplane', 'kumaDp', 'service'];
  const keys = [...order, ...(Object.keys(doc) as (keyof HostFile)[])].filter((k, i, all) => all.indexOf(k) === i);
  const yaml = new Document(Object.fromEntries(keys.filter((k) => k in doc).map((k) => [k, doc[k]])));
  for (const path of [['groups'], ['dataplane', 'vars']]) {
    const node = yaml.getIn(path, true);
    if (isCollection(node)) node.flow = true;
  }
  return `${header}${yaml.toString({ lineWidth: 0 })}`;
}
