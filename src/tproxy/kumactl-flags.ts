import { compareKumaVersions, type KumaVersion } from '../versions.js';
import type { TproxyConfig } from './config-types.js';
import { type FlagSpec, getPath, KUMACTL_FLAGS, parseText, setPath } from './kumactl-flag-table.js';
import { cloneTproxyConfig } from './load-config.js';
import { parseGoBool } from './text-setters.js';

/** One flag use, in command-line order. `name` is the canonical flag name (without dashes). */
export interface KumactlFlag {
  name: string;
  value: string;
}

export interface KumactlArgs {
  /** `--config` values in order (`-` = stdin); 2.9/2.10 read them as inline content instead. */
  configSources: string[];
  /** `--config-file` (2.9–2.14), read before the `--config` sources. */
  configFile: string | undefined;
  /** Every other flag use, in order; applied by applyKumactlFlags. */
  flags: KumactlFlag[];
  help: boolean;
  /** pflag/cobra errors, kumactl's text. */
  errors: string[];
  warnings: string[];
}

export interface KumactlOptions {
  /** Kuma version whose kumactl is modelled; default 2.14 behaviour. */
  version?: KumaVersion;
}

const isUpTo214 = (v: KumaVersion | undefined) =>
  !v || compareKumaVersions(v, { major: 2, minor: 14, patch: undefined }) <= 0;

/** The flags this kumactl version knows. */
export function kumactlFlagSpecs(version?: KumaVersion): FlagSpec[] {
  return KUMACTL_FLAGS.filter((s) => !s.upTo214 || isUpTo214(version));
}

/**
 * pflag parsing of `kumactl install transparent-proxy` arguments (kumahq/kuma
 * app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3 and pkg/config/loader.go): `--flag value` and
 * `--flag=value`, a bool flag takes a value only as `--flag=false`, `-h` is the only shorthand. A leading
 * `kumactl install transparent-proxy` is skipped.
 */
export function parseKumactlInstallArgs(argv: readonly string[], options: KumactlOptions = {}): KumactlArgs {
  const specs = new Map(kumactlFlagSpecs(options.version).map((s) => [s.name, s]));
  const out: KumactlArgs = {
    configSources: [],
    configFile: undefined,
    flags: [],
    help: false,
    errors: [],
    warnings: [],
  };
  const args = [...argv];
  for (const word of ['kumactl', 'install', 'transparent-proxy']) if (args[0] === word) args.shift();
  const positional: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--') {
      positional.push(...args.splice(0));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      for (const letter of arg.slice(1)) {
        if (letter === 'h') out.help = true;
        else {
          out.errors.push(`unknown shorthand flag: '${letter}' in ${arg}`);
          break;
        }
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name === '' || name.startsWith('-')) {
      out.errors.push(`bad flag syntax: ${arg}`);
      continue;
    }
    const spec = specs.get(name);
    if (!spec) {
      out.errors.push(`unknown flag: --${name}`);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (spec.kind === 'bool' || spec.kind === 'help') value = 'true';
    else if (args.length > 0) value = args.shift()!;
    else {
      out.errors.push(`flag needs an argument: --${name}`);
      continue;
    }
    if (spec.deprecatedFor) {
      // pflag prints a deprecation notice; its exact wording for this flag is not in the reference (inferred).
      out.warnings.push(`Flag --${name} has been deprecated, please use --${spec.deprecatedFor} instead`);
    }
    if (spec.kind === 'help') {
      const b = parseGoBool(value);
      if (b.ok) out.help = b.value;
      else out.errors.push(`invalid argument ${JSON.stringify(value)} for "-h, --help" flag: ${b.message}`);
    } else if (spec.kind === 'config') out.configSources.push(value);
    else if (spec.kind === 'configFile') out.configFile = value;
    else out.flags.push({ name, value });
  }
  for (const p of positional) {
    // cobra accepts and ignores arguments of a leaf command without an Args check (inferred from cobra's
    // legacyArgs), so `--redirect-dns false` turns DNS redirection ON and drops "false".
    out.warnings.push(
      `argument ${JSON.stringify(p)} is ignored by kumactl (a bool flag takes a value only as --flag=value)`,
    );
  }
  return out;
}

/**
 * The second flag pass (kumahq/kuma app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3 and
 * pkg/config/loader.go): every flag is applied in order on top of the loaded config. A list
 * flag's first use replaces the list, later uses append. Then `captureAll` forces `redirect.dns.enabled`.
 * Errors are pflag's `invalid argument "v" for "--flag" flag: …`.
 */
export function applyKumactlFlags(
  config: TproxyConfig,
  flags: readonly KumactlFlag[],
  options: KumactlOptions = {},
): { config: TproxyConfig; errors: string[] } {
  const result = cloneTproxyConfig(config);
  const specs = new Map(kumactlFlagSpecs(options.version).map((s) => [s.name, s]));
  const errors: string[] = [];
  const used = new Set<string>();
  for (const { name, value } of flags) {
    const spec = specs.get(name);
    if (!spec?.path || spec.kind === 'config' || spec.kind === 'configFile' || spec.kind === 'help') {
      errors.push(`unknown flag: --${name}`);
      continue;
    }
    const current = getPath(result, spec.path);
    const parsed = parseText(spec.kind, value, current);
    if (!parsed.ok) {
      errors.push(`invalid argument ${JSON.stringify(value)} for "--${name}" flag: ${parsed.message}`);
      continue;
    }
    const first = !used.has(name);
    used.add(name);
    const next =
      spec.kind === 'list' && !first ? [...(current as string[]), ...(parsed.value as string[])] : parsed.value;
    setPath(result, spec.path, next);
  }
  if (result.redirect.dns.captureAll) result.redirect.dns.enabled = true;
  return { config: result, errors };
}

/**
 * The pre-check on the first-pass flag values (kumahq/kuma app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3
 * and pkg/config/loader.go): both DNS flags given on the command line.
 * The same pair from a file or env var is accepted. We compare the flag values, `--redirect-dns=false` counting
 * as not given (inferred).
 */
export function dnsFlagConflict(flags: readonly KumactlFlag[]): string | undefined {
  const last = (n: string) => {
    const use = flags.filter((f) => f.name === n).at(-1);
    const b = use ? parseGoBool(use.value) : undefined;
    return b?.ok === true && b.value;
  };
  return last('redirect-dns') && last('redirect-all-dns-traffic')
    ? "only one of '--redirect-dns' or '--redirect-all-dns-traffic' should be specified"
    : undefined;
}
