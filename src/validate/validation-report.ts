import { error, formatIssue, type Issue, sortIssues } from '../issues.js';

/** An issue once, with every host it affects: a broken fleet.yaml is one problem, not one per host. */
export interface ReportedIssue extends Issue {
  hosts: string[];
}

export interface ValidationReport {
  valid: boolean;
  hosts: { name: string; file: string; errors: number; warnings: number }[];
  errors: number;
  warnings: number;
  issues: ReportedIssue[];
}

export function buildValidationReport(
  results: readonly { name: string; file: string; issues: readonly Issue[] }[],
): ValidationReport {
  const unique = new Map<string, ReportedIssue>();
  const hosts = results.map((r) => {
    const seen = new Set<string>();
    let errors = 0;
    let warnings = 0;
    for (const issue of r.issues) {
      const key = `${issue.file}\0${issue.line}\0${issue.code}\0${issue.path}\0${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (issue.severity === 'error') errors++;
      else warnings++;
      const entry = unique.get(key);
      if (entry) entry.hosts.push(r.name);
      else unique.set(key, { ...issue, hosts: [r.name] });
    }
    return { name: r.name, file: r.file, errors, warnings };
  });
  if (results.length === 0) {
    // An empty folder, or --repo naming the wrong one: "valid, 0 hosts" would pass a review that checked nothing.
    unique.set('repo.no-hosts', {
      ...error({
        code: 'repo.no-hosts',
        file: 'hosts/',
        message: 'there is no host file (hosts/<host>.yaml): nothing was checked',
        hint: '--repo must name the desired-state folder (the one with fleet.yaml and hosts/)',
      }),
      hosts: [],
    });
  }
  const issues = sortIssues([...unique.values()]) as ReportedIssue[];
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { valid: errors === 0, hosts, errors, warnings: issues.length - errors, issues };
}

export function formatReportText(report: ValidationReport, label: string): string {
  const lines: string[] = [];
  for (const issue of report.issues) {
    lines.push(formatIssue(issue));
    if (report.hosts.length > 1) lines.push(`  affects ${listHosts(issue.hosts)}`);
  }
  if (lines.length > 0) lines.push('');
  const verdict = report.valid ? 'valid' : 'INVALID';
  lines.push(
    `${label}: ${verdict}: ${report.hosts.length} host(s), ${report.errors} error(s), ${report.warnings} warning(s)`,
  );
  return `${lines.join('\n')}\n`;
}

export function listHosts(hosts: readonly string[], max = 5): string {
  const shown = hosts.slice(0, max).join(', ');
  return hosts.length > max ? `${shown} (+${hosts.length - max} more)` : shown;
}
