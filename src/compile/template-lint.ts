/**
 * Strict lint of a Dataplane template and its vars, on top of the faithful kuma-dp rendering: everything that
 * makes kuma-dp render something other than what the author meant. Errors where the result is certainly wrong,
 * warnings where it likely is.
 */
import { parseDocument } from 'yaml';
import { error, type Issue, warning } from '../issues.js';
import { type DottedKeyCollision, effectiveVars, nestDataplaneVars } from '../render/dataplane-vars.js';
import { goHtmlEscape, listTags, type RenderedLookup, renderMustache } from '../render/mustache.js';
import {
  goTrimSpace,
  lineLocator,
  type MustacheElement,
  type MustacheTemplate,
  parseTemplate,
} from '../render/mustache-parse.js';
import { partialFailureText } from '../render/mustache-partial.js';
import { yamlContext, yamlHazard } from '../render/template-yaml-context.js';
import { editDistance } from '../suggest.js';
import { partialIssue, unparsedIssues } from './template-parse-issues.js';

export interface TemplateLintInput {
  /** The template's repo-relative path. */
  readonly file: string;
  readonly template: string;
  /** The vars as the author wrote them. */
  readonly intended: Readonly<Record<string, string>>;
  /** Where the vars are defined (issues about them get `path: dataplane.vars.<key>`); default: `file`. */
  readonly varsFile?: string;
  /** effectiveVars(intended) and nestDataplaneVars of its vars, when the caller already has them. */
  readonly effective?: ReturnType<typeof effectiveVars>;
  readonly nested?: ReturnType<typeof nestDataplaneVars>;
  /** The caller already parsed the rendered Dataplane and it is valid YAML: skip the (costly) second parse. */
  readonly renderedYamlValid?: boolean;
}

const tagText = (l: RenderedLookup): string =>
  l.elem.type === 'var'
    ? l.elem.raw
      ? `{{{${l.elem.name}}}}`
      : `{{${l.elem.name}}}`
    : `{{${l.elem.inverted ? '^' : '#'}${l.elem.name}}}`;

function suggest(name: string, keys: readonly string[]): string | undefined {
  const scored = keys
    .map((k) => ({ k, d: editDistance(name, k) }))
    .filter(({ d }) => d > 0 && d <= 2 && d < name.length);
  return scored.sort((x, y) => x.d - y.d)[0]?.k;
}

/** Lint a Dataplane template with its vars. Never throws. */
export function lintTemplate(input: TemplateLintInput): Issue[] {
  const { file, template, intended } = input;
  const varsFile = input.varsFile ?? file;
  const varPath = (key: string) => (input.varsFile ? { path: `dataplane.vars.${key}` } : {});
  const renderedFile = `${file} (rendered Dataplane)`;
  const effective = input.effective ?? effectiveVars(intended);
  const nested = input.nested ?? nestDataplaneVars(effective.vars);
  const issues = varFlagIssues(effective, nested.collisions, varsFile, varPath);

  const parsed = parseTemplate(template);
  if (!parsed.ok && parsed.template === null) return [...issues, ...unparsedIssues(file, parsed)];
  const tpl = parsed.template as MustacheTemplate; // null only on the early return above
  const tags = listTags(tpl);
  const lineOf = lineLocator(template);
  const at = (offset: number) => ({ file, line: lineOf(offset) });
  const skip = new Set<number>(); // tags already reported, so no "missing" on top

  for (const t of tags) {
    const where = { file, line: t.line };
    if (t.kind === 'partial') {
      issues.push(partialIssue(file, { sourceLine: t.line, text: partialFailureText(t.name) }, t.name));
    } else if (t.kind === 'escaped' && t.name.startsWith('&')) {
      skip.add(t.offset);
      const message = `{{${t.name}}} is not supported by kuma-dp's mustache: it looks up a var literally named "${t.name}" and renders nothing`;
      const hint = `use {{{${goTrimSpace(t.name.slice(1))}}}} for an unescaped value`;
      issues.push(error({ code: 'template.tag.ampersand', ...where, message, hint }));
    } else if (t.kind === 'raw' && t.name !== goTrimSpace(t.name)) {
      skip.add(t.offset);
      const message = `{{{${t.name}}}} keeps the spaces in the name: kuma-dp looks up "${t.name}" and renders nothing`;
      const hint = `write {{{${goTrimSpace(t.name)}}}}`;
      issues.push(error({ code: 'template.tag.raw-whitespace', ...where, message, hint }));
    } else if (t.kind === 'ignored') {
      const message = `${t.name} starts with "{" but does not end with "}": kuma-dp drops it and renders nothing`;
      issues.push(error({ code: 'template.tag.ignored', ...where, message }));
    }
  }

  const { output, lookups } = renderMustache(tpl, nested.data);
  const keys = [...effective.vars.keys()];
  const reported = new Set<number>();
  for (const l of lookups) {
    if (skip.has(l.elem.offset) || reported.has(l.elem.offset)) continue;
    reported.add(l.elem.offset);
    const tag = tagText(l);
    const near = suggest(l.elem.name, keys);
    const hint = near ? { hint: `did you mean ${near}?` } : {};
    if (l.value === undefined) {
      const message = `${tag}: no var "${l.elem.name}"; kuma-dp renders ${l.elem.type === 'var' ? 'an empty string' : 'the section as if it were unset'}`;
      if (l.elem.type === 'var')
        issues.push(error({ code: 'template.var.missing', ...at(l.elem.offset), message, ...hint }));
      else if (near) issues.push(warning({ code: 'template.var.missing', ...at(l.elem.offset), message, ...hint }));
    } else if (typeof l.value === 'object') {
      if (l.elem.type !== 'var') continue;
      const message = `${tag} is a group of dotted vars: kuma-dp prints it as Go does, ${JSON.stringify(output.slice(l.start, l.end))}`;
      issues.push(
        error({ code: 'template.var.map', ...at(l.elem.offset), message, hint: 'reference one var, e.g. {{a.b}}' }),
      );
    } else if (l.elem.type === 'section' && l.value === '') {
      const message = `${tag}: var "${l.elem.name}" is "", which kuma-dp's mustache counts as set (only a missing var is empty)`;
      issues.push(warning({ code: 'template.section.empty-string', ...at(l.elem.offset), message }));
    } else if (l.elem.type === 'var' && !l.elem.raw && goHtmlEscape(l.value) !== l.value) {
      const chars = [...new Set(l.value.match(/[\0"'&<>]/g))].map((c) => (c === '\0' ? 'NUL' : c)).join(' ');
      const message = `${tag}: kuma-dp HTML-escapes ${chars} in the value, rendering ${JSON.stringify(output.slice(l.start, l.end))}`;
      const rawHint = `use {{{${l.elem.name}}}} for the value as is (and quote it for YAML)`;
      issues.push(error({ code: 'template.var.escaped', ...at(l.elem.offset), message, hint: rawHint }));
    }
  }

  // Placeholders that survived as text (after a delimiter change, stray closers, the docs' `{ { x } }`).
  const leftovers = new Map<number, Set<string>>();
  const walkText = (elems: readonly MustacheElement[]): void => {
    for (const e of elems) {
      if (e.type === 'section') walkText(e.elems);
      if (e.type !== 'text') continue;
      for (const m of e.text.matchAll(/\{\{|\}\}|\{ \{/g)) {
        const line = lineOf(e.offset + m.index);
        leftovers.set(line, (leftovers.get(line) ?? new Set()).add(`"${m[0]}"`));
      }
    }
  };
  walkText(tpl.elems);
  for (const [line, found] of leftovers) {
    const message = `${[...found].join(' and ')} left in the rendered Dataplane: kuma-dp did not take it as a tag`;
    issues.push(warning({ code: 'template.leftover-braces', file, line, message }));
  }

  for (const l of lookups) {
    if (l.elem.type !== 'var' || l.end === l.start) continue;
    const value = output.slice(l.start, l.end);
    const { ctx, atStart } = yamlContext(output, l.start);
    const hazard = yamlHazard(value, ctx, atStart);
    if (!hazard) continue;
    const quoted = ctx === 'double' || ctx === 'single';
    const message = `${tagText(l)} renders ${JSON.stringify(value)}, which puts ${hazard} into ${quoted ? 'a quoted' : 'an unquoted'} YAML scalar and changes the document`;
    const hint = quoted ? 'keep quotes and backslashes out of the value' : `quote it: "${tagText(l)}"`;
    issues.push(
      warning({
        code: quoted ? 'template.yaml.quoted' : 'template.yaml.unquoted',
        ...at(l.elem.offset),
        message,
        hint,
      }),
    );
  }

  const seenLines = new Set<number>();
  const outputLineOf = lineLocator(output);
  for (const e of input.renderedYamlValid ? [] : parseDocument(output).errors) {
    const line = outputLineOf(e.pos[0]);
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const lineStart = output.lastIndexOf('\n', e.pos[0] - 1) + 1;
    const newline = output.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? output.length : newline;
    // Values that end on this line or start on it (a newline in a value is what splits lines).
    const onLine = lookups.filter((l) => l.elem.type === 'var' && l.end > lineStart && l.start <= lineEnd);
    const names = [...new Set(onLine.map(tagText))];
    const vars = names.length ? `; the line holds ${names.join(', ')}` : '';
    const reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const message = `the rendered Dataplane is not valid YAML: ${reason}${vars}`;
    issues.push(error({ code: 'template.yaml.invalid', file: renderedFile, line, message }));
  }

  // A var counts as used when some tag names it, directly or through enclosing map sections.
  if (!tags.some((t) => t.name === '.')) {
    // `{{&x}}` and `{{{ x }}}` are reported above; count them as meaning x rather than also calling x unused.
    const meant = (t: (typeof tags)[number]) =>
      t.kind === 'escaped' && t.name.startsWith('&') ? goTrimSpace(t.name.slice(1)) : goTrimSpace(t.name);
    const refs = tags
      .filter((t) => ['escaped', 'raw', 'section', 'inverted'].includes(t.kind))
      .flatMap((t) => t.sections.map((_, i) => [...t.sections.slice(i), meant(t)].join('.')).concat(meant(t)));
    // Keys that only exist because a value was split are reported with that split.
    for (const key of keys.filter((k) => Object.hasOwn(intended, k))) {
      if (refs.some((r) => r === key || key.startsWith(`${r}.`))) continue;
      const message = `var "${key}" is not used by the template ${file}`;
      issues.push(warning({ code: 'template.var.unused', file: varsFile, ...varPath(key), message }));
    }
  }
  return issues;
}

/** What kuma-dp makes of our own `--dataplane-var` flags where that is not what the author wrote. */
function varFlagIssues(
  effective: ReturnType<typeof effectiveVars>,
  collisions: readonly DottedKeyCollision[],
  varsFile: string,
  varPath: (key: string) => { path?: string },
): Issue[] {
  const issues: Issue[] = [];
  for (const d of effective.divergences) {
    const sets = d.pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    if (d.reason === 'rejected') {
      const message = `kuma-dp rejects ${d.flag} and does not start: ${d.error}`;
      issues.push(error({ code: 'template.var.rejected', file: varsFile, ...varPath(d.key), message }));
    } else if (d.reason === 'csv-split') {
      const message = `kuma-dp reads ${d.flag} as CSV (a value with '=' and ',') and sets ${sets}`;
      const hint = 'kuma-dp cannot take this value as one var: avoid "," (and quotes) in values that contain "="';
      issues.push(error({ code: 'template.var.csv-split', file: varsFile, ...varPath(d.key), message, hint }));
    } else {
      const message = `kuma-dp trims '"' from both ends of ${d.flag} and sets ${sets}`;
      const hint = 'drop the quotes from the value; quote the placeholder in the template instead';
      issues.push(error({ code: 'template.var.quotes-trimmed', file: varsFile, ...varPath(d.key), message, hint }));
    }
  }
  for (const c of collisions) {
    const message = `vars ${c.vars.join(', ')} share the first segment "${c.key}": kuma-dp keeps only one of them, picked by Go map order (random)`;
    const hint = 'give dotted vars distinct first segments, or avoid dots in var names';
    issues.push(error({ code: 'template.var.collision', file: varsFile, ...varPath(c.key), message, hint }));
  }
  return issues;
}
