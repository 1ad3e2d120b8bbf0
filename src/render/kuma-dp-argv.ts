import { parseDataplaneVarFlags } from './dataplane-vars.js';
import { flagOfShorthand, KUMA_DP_RUN_FLAGS } from './kuma-dp-flags.js';

/**
 * A `runuser -u U -- kuma-dp run ...` command line read the way kuma-dp's pflag reads it, so that two spellings of
 * the same command (`--dataplane-var name=x` by hand, `--dataplane-var=name=x` as kuma-gitops writes it, flags in
 * another order) count as the same process and a hand-started kuma-dp is not restarted for its spelling.
 */
export interface KumaDpRunArgs {
  /** The words up to and including `run`: the wrapper, the user and the binary. */
  prefix: string[];
  /** Every flag in argv order, by its long name; booleans as `true`/`false`. */
  flags: Array<{ name: string; value: string }>;
  /** Words that are not flags (kuma-dp run takes none). */
  positional: string[];
}

/** undefined when the command is not `... run ...` or has a flag kuma-dp does not know (its arity is unknown). */
export function parseKumaDpRun(argv: readonly string[]): KumaDpRunArgs | undefined {
  const run = argv.indexOf('run');
  if (run < 0) return undefined;
  const flags: KumaDpRunArgs['flags'] = [];
  const positional: string[] = [];
  const rest = argv.slice(run + 1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(word);
    const short = long ? undefined : /^-([A-Za-z])(?:=?([\s\S]+))?$/.exec(word);
    const name = long ? long[1]! : short ? flagOfShorthand(short[1]!) : undefined;
    if (!long && !short) {
      positional.push(word);
      continue;
    }
    const flag = name === undefined ? undefined : KUMA_DP_RUN_FLAGS[name];
    if (!flag || name === undefined) return undefined;
    let value = (long ?? short)![2];
    if (value === undefined) {
      // pflag: a boolean alone is true; any other flag takes the next word.
      if (flag.kind === 'bool') value = 'true';
      else if (i + 1 < rest.length) value = rest[++i]!;
      else return undefined;
    }
    flags.push({ name, value: flag.kind === 'bool' ? String(parseGoBool(value)) : value });
  }
  return { prefix: argv.slice(0, run + 1), flags, positional };
}

// Go's strconv.ParseBool; an invalid value stays as written, so it compares unequal to any valid one.
function parseGoBool(value: string): boolean | string {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return value;
}

/**
 * What kuma-dp makes of the flags: the last value of a scalar (none when it is kuma-dp's default), every value of a
 * list, the merged map of vars.
 */
export function kumaDpRunMeaning(args: KumaDpRunArgs): Record<string, unknown> {
  const meaning: Record<string, unknown> = {};
  const valuesOf = (name: string) => args.flags.filter((f) => f.name === name).map((f) => f.value);
  // Sorted: the order of different flags means nothing to pflag.
  for (const name of [...new Set(args.flags.map((f) => f.name))].sort()) {
    const kind = KUMA_DP_RUN_FLAGS[name]!.kind;
    const values = valuesOf(name);
    if (kind === 'list') meaning[name] = values;
    else if (kind === 'map') {
      const parsed = parseDataplaneVarFlags(values);
      meaning[name] = { vars: Object.fromEntries([...parsed.vars].sort()), errors: parsed.errors };
    } else if (values.at(-1) !== KUMA_DP_RUN_FLAGS[name]!.default) meaning[name] = values.at(-1);
  }
  return meaning;
}

/**
 * The same kuma-dp process: word for word, or the same wrapper and binary with flags that mean the same to pflag.
 * A command with a flag kuma-dp does not know is only equal word for word.
 */
export function sameKumaDpCommand(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length && a.every((arg, i) => arg === b[i])) return true;
  const pa = parseKumaDpRun(a);
  const pb = parseKumaDpRun(b);
  if (!pa || !pb) return false;
  return (
    JSON.stringify(pa.prefix) === JSON.stringify(pb.prefix) &&
    JSON.stringify(pa.positional) === JSON.stringify(pb.positional) &&
    JSON.stringify(kumaDpRunMeaning(pa)) === JSON.stringify(kumaDpRunMeaning(pb))
  );
}
