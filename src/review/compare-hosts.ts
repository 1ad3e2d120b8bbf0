import type { HostRollout } from '../desired/desired-host.js';
import { hasErrors } from '../issues.js';
import { ARTEFACT_TITLES, type ArtefactName, type HostOutcome, NO_ARTEFACTS } from '../render/host-artefacts.js';
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
  /** When the agents apply it: the head revision's rollout settings for this host (absent for removed hosts). */
  rollout?: HostRollout;
}

/** Pair hosts of two revisions by name and diff each pair. Pure; the order is by host name. */
export function compareHosts(base: readonly HostOutcome[], head: readonly HostOutcome[]): HostChange[] {
  const baseByName = new Map(base.map((r) => [r.name, r]));
  const headByName = new Map(head.map((r) => [r.name, r]));
  const names = [...new Set([...baseByName.keys(), ...headByName.keys()])].sort();
  return names.map((host) => {
    const b = baseByName.get(host);
    const h = headByName.get(host);
    const errors = h ? h.issues.filter((i) => i.severity === 'error').length : 0;
    const warnings = h ? h.issues.length - errors : 0;
    const before = b?.artefacts ?? NO_ARTEFACTS;
    const after = h?.artefacts ?? NO_ARTEFACTS;
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
    return { host, kind, sections, errors, warnings, ...(h?.rollout ? { rollout: h.rollout } : {}) };
  });
}

const changedValidity = (b: HostOutcome, h: HostOutcome) => hasErrors(b.issues) !== hasErrors(h.issues);
