/**
 * Reads iptables-save output of any backend and version (legacy 1.6/1.8, nft 1.8.x), with or without `#` lines
 * and counters (`:CHAIN POLICY [p:b]` and `-c` style `[p:b] -A …`). Foreign tables, chains and rules are kept
 * as they are: ownership is decided later, never while reading.
 */

import type { SavedRule, SavedRuleSet, SavedTable } from '../model/ruleset.js';
import { SaveParseError } from './errors.js';
import { splitWords, UnterminatedQuoteError } from './words.js';

const TABLE_LINE = /^\*\s*(\S+)\s*$/;
const CHAIN_LINE = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?\s*$/;
const RULE_COUNTERS = /^\[\d+:\d+\]\s+/;

export function parseSave(text: string): SavedRuleSet {
  const tables: SavedTable[] = [];
  let open: { table: SavedTable; declared: Set<string>; line: number } | undefined;

  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const error = (reason: string) => new SaveParseError(index + 1, raw, reason);

    const tableMatch = TABLE_LINE.exec(line);
    if (tableMatch) {
      if (open) throw error(`table *${open.table.name} (line ${open.line}) has no COMMIT before the next table`);
      const name = tableMatch[1]!;
      if (tables.some((t) => t.name === name)) throw error(`table *${name} appears twice`);
      open = { table: { name, chains: [], rules: [] }, declared: new Set(), line: index + 1 };
    } else if (!open) {
      throw error('expected a table header like *nat');
    } else if (line === 'COMMIT') {
      tables.push(open.table);
      open = undefined;
    } else if (line.startsWith(':')) {
      const chainMatch = CHAIN_LINE.exec(line);
      if (!chainMatch) throw error('malformed chain declaration, expected :NAME POLICY [packets:bytes]');
      const name = chainMatch[1]!;
      if (open.declared.has(name)) throw error(`chain ${name} is declared twice`);
      open.declared.add(name);
      open.table.chains.push({ name, policy: chainMatch[2]! });
    } else {
      open.table.rules.push(parseRuleLine(line.replace(RULE_COUNTERS, ''), open.declared, error));
    }
  }

  if (open) throw new SaveParseError(open.line, `*${open.table.name}`, 'table has no COMMIT');
  return { tables };
}

function parseRuleLine(line: string, declared: Set<string>, error: (reason: string) => SaveParseError): SavedRule {
  let words: string[];
  try {
    words = splitWords(line);
  } catch (cause) {
    if (cause instanceof UnterminatedQuoteError) throw error(cause.message);
    throw cause;
  }
  const [op, chain, ...args] = words;
  if (op !== '-A' && op !== '--append')
    throw error('expected -A <chain>, a chain declaration, COMMIT or a table header');
  if (chain === undefined || chain === '') throw error('rule without a chain name');
  if (!declared.has(chain)) throw error(`rule for chain ${chain}, which this table does not declare`);
  return { chain, args, text: line };
}
