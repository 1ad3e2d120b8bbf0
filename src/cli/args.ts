import { UsageError } from '../errors.js';

/** What a command accepts. Flags are long options only (`--repo DIR` or `--repo=DIR`). */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Whether arguments after `--` are accepted (passed through, e.g. kumactl flags). */
  passthrough?: boolean;
  details?: string;
}

export interface FlagSpec {
  kind: 'string' | 'boolean' | 'repeatable';
  required?: boolean;
  choices?: readonly string[];
  default?: string;
  help: string;
  value?: string;
}

export interface ParsedArgs {
  strings: Record<string, string | undefined>;
  booleans: Record<string, boolean>;
  lists: Record<string, string[]>;
  rest: string[];
  help: boolean;
}

/** Parse a command's arguments; every mistake is a UsageError naming the flag and the fix. */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { strings: {}, booleans: {}, lists: {}, rest: [], help: false };
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.kind === 'boolean') out.booleans[name] = false;
    else if (f.kind === 'repeatable') out.lists[name] = [];
    else out.strings[name] = f.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (!spec.passthrough) throw usage(spec, `'${spec.name}' takes no arguments after --`);
      out.rest = argv.slice(i + 1);
      break;
    }
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw usage(spec, `unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const flag = spec.flags[name];
    if (!flag) throw usage(spec, `unknown flag --${name}`);
    if (flag.kind === 'boolean') {
      if (eq !== -1) throw usage(spec, `--${name} takes no value`);
      out.booleans[name] = true;
      continue;
    }
    const value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--')))
      throw usage(spec, `--${name} needs a value (${flag.value ?? 'VALUE'})`);
    if (flag.choices && !flag.choices.includes(value)) {
      throw usage(spec, `--${name} must be one of ${flag.choices.join(', ')}, not '${value}'`);
    }
    if (flag.kind === 'repeatable') out.lists[name]!.push(value);
    else out.strings[name] = value;
  }
  if (!out.help) {
    for (const [name, f] of Object.entries(spec.flags)) {
      if (f.required && out.strings[name] === undefined) throw usage(spec, `--${name} is required`);
    }
  }
  return out;
}

function usage(spec: CommandSpec, problem: string): UsageError {
  return new UsageError(
    `kuma-gitops ${spec.name}: ${problem}\nUsage: ${spec.usage}\nRun 'kuma-gitops ${spec.name} --help' for details.`,
  );
}

/** `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary];
  if (spec.details) lines.push('', spec.details);
  lines.push('', 'Flags:');
  for (const [name, f] of Object.entries(spec.flags)) {
    const left = f.kind === 'boolean' ? `--${name}` : `--${name} ${f.value ?? 'VALUE'}`;
    const extra = [f.required ? 'required' : '', f.default ? `default ${f.default}` : ''].filter(Boolean).join(', ');
    lines.push(`  ${left.padEnd(28)} ${f.help}${extra ? ` (${extra})` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(28)} show this help`);
  return `${lines.join('\n')}\n`;
}
