/**
 * A problem found in what a user wrote. Validation collects every issue instead of stopping at the first,
 * so a pull request shows all of them at once. Errors fail validation; warnings are likely mistakes.
 */
export type Severity = 'error' | 'warning';

export interface Issue {
  severity: Severity;
  /** Stable, machine-readable identifier, e.g. `tproxy.port.quoted`. Never reworded once released. */
  code: string;
  /** Repo-relative file the problem is in (or the rendered artefact, e.g. `hosts/web-1.yaml (rendered Dataplane)`). */
  file: string;
  /** 1-based line in `file` when known. */
  line?: number;
  /** YAML path inside the file, e.g. `redirect.inbound.port`. */
  path?: string;
  /** What is wrong, in the words of the tool that would reject it (kumactl, kuma-dp) where one exists. */
  message: string;
  /** What to do about it. */
  hint?: string;
}

export const error = (i: Omit<Issue, 'severity'>): Issue => ({ severity: 'error', ...i, message: bounded(i.message) });
export const warning = (i: Omit<Issue, 'severity'>): Issue => ({
  severity: 'warning',
  ...i,
  message: bounded(i.message),
});

/** A message quotes repository text; a 20 MB line must not come back whole (nor fill a pull-request comment). */
const MAX_MESSAGE = 2_000;
const bounded = (message: string): string =>
  message.length <= MAX_MESSAGE
    ? message
    : `${message.slice(0, MAX_MESSAGE)}... (${message.length - MAX_MESSAGE} more characters)`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Control characters other than newline and tab as `\xNN`: repository text must not move a terminal. */
export const escapeControls = (text: string): string =>
  text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** A piece of input quoted in a message: JSON-quoted (control characters visible), at most `max` characters. */
export function quoteInput(text: string, max = 200): string {
  return text.length <= max
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, max))}... (${text.length - max} more characters)`;
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === 'error');

/** `file:line path: message (hint)` - the one-line form used in text output and PR comments. */
export function formatIssue(i: Issue): string {
  const where = i.line === undefined ? i.file : `${i.file}:${i.line}`;
  const path = i.path ? ` ${i.path}:` : '';
  const hint = i.hint ? ` -> ${i.hint}` : '';
  return `${i.severity}: ${where}${path} ${i.message} [${i.code}]${hint}`;
}

/** Stable order for output: by file, then line, then code. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.code.localeCompare(b.code),
  );
}
