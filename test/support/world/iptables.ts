/**
 * The iptables commands of a backend and views of their `*-save` output: what must stay identical (no `#` lines,
 * no counters), the rules without empty default tables, and the split between Kuma's lines and everybody else's.
 */
export const BACKENDS = ['nft', 'legacy'] as const;
export type Backend = (typeof BACKENDS)[number];
export type Family = 'ipv4' | 'ipv6';

/** `iptables-nft`, `ip6tables-legacy-save`, ...: the commands of `backend` for `family`. */
export function tools(backend: Backend, family: Family) {
  const base = family === 'ipv4' ? 'iptables' : 'ip6tables';
  return { iptables: `${base}-${backend}`, save: `${base}-${backend}-save`, restore: `${base}-${backend}-restore` };
}

/** `*-save` without `#` lines (they carry a timestamp) and with chain counters zeroed (traffic changes them). */
export function withoutTimestampsAndCounters(save: string): string {
  return save
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => (line.startsWith(':') ? line.replace(/\[\d+:\d+\]$/, '[0:0]') : line))
    .join('\n');
}

/** `*-save` without `#` lines and without counters: what must stay byte-identical. */
export function normalized(save: string): string {
  return save
    .split('\n')
    .filter((l) => !l.startsWith('#') && l !== '')
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');
}

const EMPTY_BUILT_IN = /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT$/;

/**
 * normalized(), without tables that hold nothing but default-ACCEPT built-in chains: reading a legacy host loads
 * empty tables into the kernel (kumactl's own detection does the same, REFERENCE §8.14), and an install may create
 * an empty table; neither is a rule anybody has.
 */
export function rulesView(save: string): string {
  const tables = normalized(save).split(/(?=^\*)/m);
  return tables
    .filter((t) => {
      const lines = t.split('\n').filter((l) => l !== '' && !l.startsWith('*') && l !== 'COMMIT');
      return !lines.every((l) => EMPTY_BUILT_IN.test(l));
    })
    .join('');
}

const BUILT_IN_RULE = /^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) /;
/**
 * Ours: the kuma comment, our chains and their rules, and jumps into them from built-in chains. A jump into our
 * chains from another tool's chain is that tool's (kumactl never writes there).
 */
const isOwnedLine = (line: string) =>
  line.includes('kuma/mesh/transparent/proxy') ||
  line.startsWith(':KUMA_MESH') ||
  line.startsWith('-A KUMA_MESH') ||
  (BUILT_IN_RULE.test(line) && line.includes('KUMA_MESH'));

/**
 * The foreign part of a ruleset per table: everything that is not Kuma's (chain declarations with policies, rules
 * in order), counters stripped. A table that holds nothing but default-ACCEPT built-in chains is left out: our
 * install may create the raw table, which is not a change to anybody's rules.
 */
export function foreignView(save: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let table = '';
  for (const line of normalized(save).split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      out[table] = [];
    } else if (line !== 'COMMIT' && !isOwnedLine(line)) out[table]!.push(line);
  }
  for (const [name, lines] of Object.entries(out)) {
    if (lines.every((l) => EMPTY_BUILT_IN.test(l))) delete out[name];
  }
  return out;
}

/** Kuma's lines only, per table, in order: to show a rule set did (or did not) change. */
export function ownedLines(save: string): string[] {
  return normalized(save)
    .split('\n')
    .filter((l) => isOwnedLine(l));
}
