import type { ReportedIssue, ValidationReport } from '../validate/validation-report.js';
import type { HostChange } from './compare-hosts.js';

/** The whole review of one commit range: what `diff` prints in every format. */
export interface DiffReport {
  base: string;
  head: string;
  changes: HostChange[];
  totals: { added: number; removed: number; changed: number; unchanged: number };
  /** Validation of every host at head. */
  validation: ValidationReport;
}

export function buildDiffReport(
  base: string,
  head: string,
  changes: HostChange[],
  validation: ValidationReport,
): DiffReport {
  const totals = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const c of changes) totals[c.kind]++;
  return { base, head, changes, totals, validation };
}

/** Exit code like `terraform plan -detailed-exitcode`: 1 invalid head, 2 changes, 0 nothing to do. */
export function diffExitCode(r: DiffReport): number {
  if (!r.validation.valid) return 1;
  return r.totals.added + r.totals.removed + r.totals.changed > 0 ? 2 : 0;
}

/** Hosts whose change is byte-identical (a fleet default touching many hosts) are shown once. */
export interface ChangeGroup {
  hosts: string[];
  change: HostChange;
}

export function groupIdenticalChanges(changes: readonly HostChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const c of changes) {
    if (c.kind === 'unchanged') continue;
    const key = `${c.kind}\0${JSON.stringify(c.sections)}\0${c.errors}\0${c.warnings}`;
    const g = groups.get(key);
    if (g) g.hosts.push(c.host);
    else groups.set(key, { hosts: [c.host], change: c });
  }
  return [...groups.values()];
}

export const errorIssues = (r: DiffReport): ReportedIssue[] =>
  r.validation.issues.filter((i) => i.severity === 'error');
