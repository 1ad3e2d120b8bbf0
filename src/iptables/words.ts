/**
 * Splitting and quoting of rule lines the way iptables does it (xshared.c `add_param_to_argv` for reading,
 * `xtables_save_string` for printing), so that `"…\"…"` comments from any tool read back exactly.
 */

export class UnterminatedQuoteError extends Error {}

/**
 * Splits one rule line into words. Quotes may start mid-word; inside quotes a backslash takes the next character
 * literally; outside quotes a backslash is an ordinary character. A closing quote ends the word (so `""` is an
 * empty word), as in iptables-restore.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  let escaped = false;
  for (const ch of line) {
    if (quoted) {
      if (escaped) {
        word += ch;
        escaped = false;
      } else if (ch === '\\') {
        escaped = true;
      } else if (ch === '"') {
        quoted = false;
        words.push(word);
        word = '';
        inWord = false;
      } else {
        word += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quoted) throw new UnterminatedQuoteError('unterminated quoted string');
  if (inWord) words.push(word);
  return words;
}

const SAFE_SAVE_STRING = /^[_\-0-9a-zA-Z]+$/;

/** `xtables_save_string`: bare when only `[_-0-9a-zA-Z]`, else double-quoted with `"`, `\` and `'` escaped. */
export function quoteSaveString(value: string): string {
  if (SAFE_SAVE_STRING.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

/** Options whose value iptables prints through `xtables_save_string`. */
const SAVE_STRING_OPTIONS: ReadonlySet<string> = new Set(['--comment', '--log-prefix', '--nflog-prefix']);

/** A word that would not survive splitWords unquoted. */
function needsQuotes(word: string): boolean {
  return word === '' || /[\s"]/.test(word);
}

/** Prints `-A <chain> <args…>` as iptables-save would, quoting string option values. */
export function renderRuleText(chain: string, args: readonly string[]): string {
  const out = ['-A', chain];
  args.forEach((word, i) => {
    const option = args[i - 1];
    const quote = (option !== undefined && SAVE_STRING_OPTIONS.has(option)) || needsQuotes(word);
    out.push(quote ? quoteSaveString(word) : word);
  });
  return out.join(' ');
}
