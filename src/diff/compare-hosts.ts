import { hasErrors } from '../issues.js';
import type { HostResult, RenderedHost } from '../render/rendered-host.js';
import { unifiedDiff } from './line-diff.js';

/** What one host's change is made of: one unified diff per artefact that changed. */
export interface HostChange {
  host: string;
  kind: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Artefact name -> unified diff. Only changed artefacts are present. */
  sections: Partial<Record<ArtefactName, string>>;
  /** Validation of the head revision (absent for removed hosts). */
  errors: number;
  warnings: number;
}

export type ArtefactName = 'dataplane' | 'tproxyConfig' | 'kumaDp' | 'rules' | 'hostFiles';

export const ARTEFACT_TITLES: Record<ArtefactName, string> = {
  dataplane: 'Dataplane (as kuma-dp renders it)',
  tproxyConfig: 'transparent-proxy config',
  kumaDp: 'kuma-dp command and environment',
  rules: 'iptables rules (kumactl --dry-run form, declared host facts)',
  hostFiles: 'files on the host',
};

/** The text of each artefact, one diffable unit per line. An unrendered (invalid) host has none. */
function artefacts(r: RenderedHost | undefined): Record<ArtefactName, string> {
  if (!r) return { dataplane: '', tproxyConfig: '', kumaDp: '', rules: '', hostFiles: '' };
  return {
    dataplane: r.dataplane,
    tproxyConfig: r.tproxy.yaml,
    kumaDp: lines([...r.kumaDp.argv, ...Object.entries(r.kumaDp.env).map(([k, v]) => `env ${k}=${v}`)]),
    rules: r.rules?.dryRun ?? '',
    hostFiles: lines(r.files.map((f) => `${f.path} (${f.purpose}, from ${f.origin})`)),
  };
}

const lines = (xs: readonly string[]) => (xs.length ? `${xs.join('\n')}\n` : '');

/** Pair hosts of two revisions by name and diff each pair. Pure; the order is by host name. */
export function compareHosts(base: readonly HostResult[], head: readonly HostResult[]): HostChange[] {
  const baseByName = new Map(base.map((r) => [r.name, r]));
  const headByName = new Map(head.map((r) => [r.name, r]));
  const names = [...new Set([...baseByName.keys(), ...headByName.keys()])].sort();
  return names.map((host) => {
    const b = baseByName.get(host);
    const h = headByName.get(host);
    const errors = h ? h.issues.filter((i) => i.severity === 'error').length : 0;
    const warnings = h ? h.issues.length - errors : 0;
    const before = artefacts(b?.rendered);
    const after = artefacts(h?.rendered);
    const sections: HostChange['sections'] = {};
    for (const name of Object.keys(ARTEFACT_TITLES) as ArtefactName[]) {
      const d = unifiedDiff(before[name], after[name]);
      if (d) sections[name] = d;
    }
    const kind = !b
      ? 'added'
      : !h
        ? 'removed'
        : Object.keys(sections).length || changedValidity(b, h)
          ? 'changed'
          : 'unchanged';
    return { host, kind, sections, errors, warnings };
  });
}

const changedValidity = (b: HostResult, h: HostResult) => hasErrors(b.issues) !== hasErrors(h.issues);
