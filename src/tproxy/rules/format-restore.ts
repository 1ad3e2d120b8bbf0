import type { BuiltRule, BuiltRuleSet, BuiltTable } from './built-rules.js';
import { renderComment } from './comments.js';

/**
 * kumactl's iptables-restore input (kumahq/kuma pkg/transparentproxy/iptables/builder/builder.go@v2.14.3,
 * rules/rules.go) and its `--dry-run` stdout (setup.go, dryRun). This is the
 * restore form, not iptables-save form: `* nat` with a space, `-N` declarations, `-I <chain> <n>` positions.
 */
export interface RestoreFormatOptions {
  /** `verbose: true` / `--verbose`: long option names, header lines and blank lines between parts. */
  verbose?: boolean;
}

/**
 * Short -> long option names in verbose mode. Options with no short form (`--comment`, `--uid-owner`,
 * `--to-ports`, `--zone`, `--log-prefix`, `--log-level`, `--ctstate`) print the same in both modes.
 * Inferred: the multiport `--dport` of exclusion rules becomes `--destination-port` too (it is the same
 * builder parameter; iptables accepts it as an abbreviation of `--destination-ports`).
 */
const LONG_OPTIONS: Record<string, string> = {
  '-p': '--protocol',
  '-j': '--jump',
  '-m': '--match',
  '-s': '--source',
  '-d': '--destination',
  '-i': '--in-interface',
  '-o': '--out-interface',
  '--dport': '--destination-port',
  '--sport': '--source-port',
};

/** Params are `[!] option value` groups; only option tokens are renamed, never values such as interface names. */
function longParams(params: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const token = params[i]!;
    if (token === '!') {
      out.push(token);
      continue;
    }
    out.push(LONG_OPTIONS[token] ?? token);
    if (i + 1 < params.length) out.push(params[++i]!);
  }
  return out;
}

export function formatRule(rule: BuiltRule, options: RestoreFormatOptions = {}): string {
  const verbose = options.verbose === true;
  const parts: string[] = [];
  if (rule.op === 'insert') parts.push(verbose ? '--insert' : '-I', rule.chain, String(rule.position ?? 1));
  else parts.push(verbose ? '--append' : '-A', rule.chain);
  // The comment always comes first, right after the position (rules/rules.go).
  if (rule.comment !== undefined)
    parts.push(verbose ? '--match' : '-m', 'comment', '--comment', renderComment(rule.comment));
  parts.push(...(verbose ? longParams(rule.params) : rule.params));
  return parts.join(' ');
}

export function formatTable(table: BuiltTable, options: RestoreFormatOptions = {}): string {
  const rules = table.rules.map((r) => formatRule(r, options));
  if (!options.verbose) {
    return [`* ${table.name}`, ...table.chains.map((c) => `-N ${c}`), ...rules, 'COMMIT'].join('\n');
  }
  const parts = [`* ${table.name}`];
  if (table.chains.length > 0)
    parts.push(['# Custom Chains:', ...table.chains.map((c) => `--new-chain ${c}`)].join('\n'));
  if (rules.length > 0) parts.push(['# Rules:', ...rules].join('\n'));
  parts.push('COMMIT');
  return parts.join('\n\n');
}

/** One family's restore file: tables in order, joined by a newline (a blank line when verbose), one final `\n`. */
export function formatRestore(set: BuiltRuleSet, options: RestoreFormatOptions = {}): string {
  const separator = options.verbose ? '\n\n' : '\n';
  return `${set.tables.map((t) => formatTable(t, options)).join(separator)}\n`;
}

const HEADERS = { ipv4: '### IPv4 ###', ipv6: '### IPv6 ###' } as const;

/** `--dry-run` stdout: per family a header, a blank line and the trimmed file; blank lines between; one final `\n`. */
export function formatDryRun(sets: readonly BuiltRuleSet[], options: RestoreFormatOptions = {}): string {
  const blocks = sets.map((set) => `${HEADERS[set.family]}\n\n${formatRestore(set, options).trim()}`);
  return `${blocks.join('\n\n')}\n`;
}
