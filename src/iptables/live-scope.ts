/**
 * A host with kube-proxy or Docker has tens of thousands of rules in chains Kuma never touches. The drift check
 * reads only Kuma's chains and the built-in chains of the tables Kuma writes to (or of any table that mentions
 * Kuma), so only those rule lines are kept for parsing: the same differences for a fraction of the work. Every
 * line that is not a rule is kept, and so is a skipped rule that the parser would reject (undeclared chain,
 * unterminated quote), so errors are still reported; `lineOf` maps their line numbers back.
 * Lines are scanned in place: a skipped rule never becomes a string of its own.
 */

import { BUILT_IN_CHAINS, COMMENT_PREFIX, KUMA_CHAIN_PREFIX } from '../model/ownership.js';
import { isKumaChain } from './model.js';

const KUMA_TABLES = new Set(['raw', 'nat', 'mangle']);
const TABLE = /^\s*\*\s*(\S+)\s*$/;
const COUNTERS = /\[\d+:\d+\] /y;

export interface ScopedSave {
  text: string;
  /** The line in the original text of line `n` (1-based) of `text`. */
  lineOf(n: number): number;
}

export function scopeLiveSave(original: string): ScopedSave {
  const kept: string[] = [];
  const origin: number[] = [];
  let builtInsMatter = true;
  const declared = new Set<string>();
  let line = 0;
  for (let start = 0; start <= original.length; line++) {
    const newline = original.indexOf('\n', start);
    const end = newline < 0 ? original.length : newline;
    const chain = ruleChain(original, start, end);
    const ours = chain !== undefined && (isKumaChain(chain) || (builtInsMatter && BUILT_IN_CHAINS.has(chain)));
    if (chain === undefined || ours || !declared.has(chain) || !quotesClosed(original, start, end)) {
      const text = original.slice(start, end);
      if (chain === undefined && TABLE.test(text)) {
        builtInsMatter = tableMatters(original, end, TABLE.exec(text)![1]!);
        declared.clear();
      } else if (text.startsWith(':')) {
        declared.add(text.slice(1).split(/\s/, 1)[0]!);
      }
      kept.push(text);
      origin.push(line + 1);
    }
    start = end + 1;
  }
  return { text: kept.join('\n'), lineOf: (n) => origin[n - 1] ?? n };
}

/** The chain of a plain `-A CHAIN …` line in [start, end), counters allowed; undefined for anything else. */
function ruleChain(text: string, start: number, end: number): string | undefined {
  let at = start;
  if (text.charCodeAt(at) === 0x5b /* [ */) {
    COUNTERS.lastIndex = at;
    if (!COUNTERS.test(text)) return undefined;
    at = COUNTERS.lastIndex;
  }
  if (!text.startsWith('-A ', at)) return undefined;
  const space = text.indexOf(' ', at + 3);
  return space < 0 || space > end ? undefined : text.slice(at + 3, space);
}

/** Whether every `"` in [start, end) is closed, with iptables' backslash escapes inside quotes. */
function quotesClosed(text: string, start: number, end: number): boolean {
  let quoted = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quoted && c === 0x5c /* \ */) i++;
    else if (c === 0x22 /* " */) quoted = !quoted;
  }
  return !quoted;
}

/** Kuma writes to raw, nat and mangle; in any other table only a rule that mentions Kuma can be ours. */
function tableMatters(text: string, from: number, name: string): boolean {
  if (KUMA_TABLES.has(name)) return true;
  const next = text.indexOf('\nCOMMIT', from);
  const until = next < 0 ? text.length : next;
  const mentions = (word: string) => {
    const at = text.indexOf(word, from);
    return at >= 0 && at < until;
  };
  return mentions(KUMA_CHAIN_PREFIX) || mentions(COMMENT_PREFIX);
}
