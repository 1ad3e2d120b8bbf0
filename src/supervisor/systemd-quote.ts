import { KumaGitopsError } from '../errors.js';

/**
 * Quoting for unit files (systemd.service(5) "Command lines", systemd.exec(5) Environment=). Both are split into
 * words with C-style escapes and "..." quoting, and `%` starts a specifier everywhere. Only command lines expand
 * `$VAR`/`${VAR}`, so `$` is doubled there and left alone in Environment=.
 */

// Words that need no quoting: nothing systemd splits, unquotes, unescapes or expands (`%` and `$` are doubled).
const BARE = /^[A-Za-z0-9_./:=@+,%$-]+$/;

/** One ExecStart= argument after the executable. */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replaceAll('%', '%%').replaceAll('$', () => '$$');
  // A lone `;` once separated commands; quoted, it is a plain word.
  return BARE.test(arg) ? escaped : `"${cEscape(escaped)}"`;
}

/**
 * The executable: systemd expands specifiers in it, but not `$` (it is not an argument), and it must be an absolute,
 * normalized path. Errors name `unit`.
 */
export function quoteExecPath(path: string, unit: string): string {
  const normalized = path.startsWith('/') && !/(^|\/)\.\.?(\/|$)|\/\/|\/$/.test(path);
  if (!normalized) {
    throw new KumaGitopsError(
      'systemd.exec-not-absolute',
      `${unit}: ExecStart needs an absolute, normalized path to kuma-dp, got ${JSON.stringify(path)} ` +
        "(systemd rejects relative paths such as the docs' ./bin/kuma-dp): set the kuma-dp binary to e.g. " +
        '/usr/local/bin/kuma-dp',
      { unit, path },
    );
  }
  if (/[$\p{Cc}]/u.test(path)) {
    throw new KumaGitopsError(
      'systemd.exec-path-invalid',
      `${unit}: the kuma-dp path ${JSON.stringify(path)} contains '$' or a control character, which ExecStart ` +
        'cannot carry reliably: install kuma-dp under a plain path',
      { unit, path },
    );
  }
  const escaped = path.replaceAll('%', '%%');
  return BARE.test(path) ? escaped : `"${cEscape(escaped)}"`;
}

/** One Environment= assignment, always quoted: `"NAME=value"`. */
export function quoteEnvironment(name: string, value: string, unit: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new KumaGitopsError(
      'systemd.env-name-invalid',
      `${unit}: environment variable name ${JSON.stringify(name)} is not valid: use letters, digits and '_', ` +
        'not starting with a digit',
      { unit, name },
    );
  }
  return `"${cEscape(`${name}=${value}`.replaceAll('%', '%%'))}"`;
}

/** Backslash, double quote and control characters, as systemd's C unescaping reads them back. */
function cEscape(text: string): string {
  return text.replace(/[\\"\p{Cc}]/gu, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    const code = c.charCodeAt(0);
    // \xNN is a raw byte: above 0x7f that would not be UTF-8, so \uNNNN there.
    return named[c] ?? (code < 0x80 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
  });
}

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');
