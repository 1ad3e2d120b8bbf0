import { formatIssue } from '../issues.js';
import { ARTEFACT_TITLES, type ArtefactName } from '../render/host-artefacts.js';
import { listHosts } from '../validate/validation-report.js';
import type { HostChange } from './compare-hosts.js';
import { codeSpan, fencedBlock, mdText } from './markdown-escape.js';
import { type DiffReport, errorIssues, groupIdenticalChanges } from './review-report.js';

/** GitHub rejects comments over 65,536 characters; stay well below with room for the truncation note. */
export const MARKDOWN_LIMIT = 60_000;

/**
 * A pull-request comment: verdict and totals first, then a per-host table, then one collapsible section per distinct
 * change. Whatever does not fit in `limit` is cut from the end, and the comment says exactly what was cut.
 */
export function formatMarkdown(r: DiffReport, limit = MARKDOWN_LIMIT): string {
  const t = r.totals;
  const v = r.validation;
  const head: string[] = [
    `### kuma-gitops: ${codeSpan(r.base)} → ${codeSpan(r.head)}`,
    '',
    `${v.valid ? '✅ head is valid' : '❌ **head is invalid**'}: ${v.errors} error(s), ${v.warnings} warning(s) across ${v.hosts.length} host(s)`,
    '',
    '| added | removed | changed | unchanged |',
    '|---:|---:|---:|---:|',
    `| ${t.added} | ${t.removed} | ${t.changed} | ${t.unchanged} |`,
    '',
  ];
  const errors = errorIssues(r).map((i) => `- ${codeSpan(formatIssue(i))} (${mdText(listHosts(i.hosts))})`);
  const changed = r.changes.filter((c) => c.kind !== 'unchanged');
  const rows = changed.map(
    (c) => `| ${mdText(c.host)} | ${c.kind} | ${artefactList(c)} | ${validity(c)} | ${mdText(applies(c))} |`,
  );
  const groups = groupIdenticalChanges(changed);
  const sections = groups.map((g) => section(g.hosts, g.change));

  // Reserve room for the cut note, then fill in order of importance: errors, table, details.
  const budget = limit - 400;
  const out = [...head];
  let size = out.join('\n').length;
  const take = (items: string[], prefix: string[]) => {
    let n = 0;
    const pre = prefix.join('\n').length + 1;
    if (items.length === 0 || size + pre > budget) return 0;
    out.push(...prefix);
    size += pre;
    for (const item of items) {
      if (size + item.length + 1 > budget) break;
      out.push(item);
      size += item.length + 1;
      n++;
    }
    out.push('');
    return n;
  };
  const shownErrors = take(errors, ['**Errors at head**', '']);
  const shownRows = take(rows, ['| host | change | what changes | head | applies |', '|---|---|---|---|---|']);
  const shownSections = take(sections, []);
  const cut = [
    [errors.length - shownErrors, 'error line(s)'],
    [rows.length - shownRows, 'table row(s)'],
    [sections.length - shownSections, 'host section(s)'],
  ].filter(([n]) => (n as number) > 0);
  if (cut.length > 0) {
    out.push(
      `> ✂️ Cut to stay under ${limit.toLocaleString('en-US')} characters: ${cut.map(([n, what]) => `${n} ${what}`).join(', ')} not shown. ` +
        'Run `kuma-gitops diff --output text` (or `json`) for the full report.',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function section(hosts: readonly string[], c: HostChange): string {
  const title =
    hosts.length === 1
      ? `<b>${mdText(hosts[0]!)}</b>`
      : `<b>${hosts.length} hosts</b> with the same change: ${mdText(listHosts(hosts, 3))}`;
  const parts = (Object.keys(c.sections) as ArtefactName[]).map(
    (name) => `${ARTEFACT_TITLES[name]}\n\n${fencedBlock('diff', c.sections[name]!.trimEnd())}`,
  );
  const body = parts.length ? parts.join('\n\n') : '_no rendered change (validity changed)_';
  return `<details><summary>${title}: ${c.kind}, ${artefactList(c) || 'validity'}</summary>\n\n${body}\n\n</details>\n`;
}

/** When the agents apply this change: the host's wave, counted from when each agent first sees the merged commit. */
export function applies(c: HostChange): string {
  const r = c.rollout;
  if (c.kind === 'removed' || !r) return '';
  if (r.paused) return `paused (${r.pausedBy ?? 'paused: true'}): not until unpaused`;
  const gate = r.gate === 'alertmanager' ? ', if no rollback is firing for it' : '';
  if (r.wave === 0 || r.waveDelayMs === 0) return `wave ${r.wave}: at once${gate}`;
  return `wave ${r.wave}: ${formatDelay(r.wave * r.waveDelayMs)} after its agent first sees it${gate}`;
}

function formatDelay(ms: number): string {
  const min = ms / 60_000;
  return min >= 120 && min % 60 === 0 ? `${min / 60} h` : min >= 1 ? `${+min.toFixed(1)} min` : `${ms / 1000} s`;
}

const artefactList = (c: HostChange) => (Object.keys(c.sections) as ArtefactName[]).join(', ');
const validity = (c: HostChange) =>
  c.kind === 'removed' ? '' : c.errors ? `❌ ${c.errors} error(s)` : c.warnings ? `⚠️ ${c.warnings} warning(s)` : '✅';
