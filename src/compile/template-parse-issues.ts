/**
 * The template lint's issues for what kuma-dp's mustache (hoisie at 6375acf62c69) cannot parse: a syntax error or
 * a delimiter panic, and partials, which it reads from its own host's disk at parse time.
 */
import { error, type Issue } from '../issues.js';
import type { MustacheParseError, MustacheParseResult } from '../render/mustache-parse.js';

/** A partial: kuma-dp reads it from its own host at parse time; we render what it does when that fails. */
export function partialIssue(file: string, e: Pick<MustacheParseError, 'sourceLine' | 'text'>, name?: string): Issue {
  const tag = name === undefined ? 'a partial' : `partial {{> ${name}}}`;
  const message = `${tag} is unsupported: kuma-dp reads it from a file relative to its working directory, and renders "${e.text}" as the whole Dataplane when it cannot`;
  return error({
    code: 'template.partial',
    file,
    line: e.sourceLine,
    message,
    hint: 'inline the partial into the template',
  });
}

/**
 * A template with no parse tree. A partial before the failure is what kuma-dp reports; the failure behind it is
 * reported as well, so that inlining the partial does not reveal a second error.
 */
export function unparsedIssues(file: string, parsed: Extract<MustacheParseResult, { ok: false }>): Issue[] {
  const issues = parsed.error.kind === 'partial' ? [partialIssue(file, parsed.error)] : [];
  const e = parsed.masked ?? parsed.error;
  const message =
    e.kind === 'panic'
      ? `kuma-dp panics parsing this template (${e.text}): a delimiter tag needs new delimiters, e.g. {{=<% %>=}}`
      : `template parse error "${e.text}": kuma-dp renders that text as the whole Dataplane document`;
  issues.push(error({ code: 'template.parse', file, line: e.sourceLine, message }));
  return issues;
}
