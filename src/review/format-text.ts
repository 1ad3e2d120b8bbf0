import { formatIssue } from '../issues.js';
import { ARTEFACT_TITLES, type ArtefactName } from '../render/host-artefacts.js';
import type { DiffReport } from './review-report.js';

/** Everything, uncut, for terminals and CI logs. */
export function formatDiffText(r: DiffReport): string {
  const out: string[] = [];
  for (const c of r.changes) {
    if (c.kind === 'unchanged') continue;
    out.push(`=== ${c.host}: ${c.kind}`);
    for (const name of Object.keys(c.sections) as ArtefactName[]) {
      out.push(`--- ${ARTEFACT_TITLES[name]}`, c.sections[name]!.trimEnd());
    }
    out.push('');
  }
  for (const i of r.validation.issues) out.push(formatIssue(i));
  const t = r.totals;
  out.push(
    `${r.base} -> ${r.head}: ${t.added} added, ${t.removed} removed, ${t.changed} changed, ${t.unchanged} unchanged; ` +
      `head ${r.validation.valid ? 'valid' : 'INVALID'} (${r.validation.errors} error(s), ${r.validation.warnings} warning(s))`,
  );
  return `${out.join('\n')}\n`;
}
