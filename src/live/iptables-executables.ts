import type { BackendMode, Family } from '../model/family.js';
import type { ResolvedHostFacts } from '../model/host-facts.js';
import type { CommandRunner } from '../system/command-runner.js';

/**
 * One candidate set of iptables executables (nft or legacy, one family), found and checked the way kumactl does
 * (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3): the binaries are picked by what `--version`
 * says they are, then the set must pass the
 * minimal functionality checks, and what it can do is recorded for the rule generator.
 */

export interface IptablesCommands {
  iptables: string;
  save: string;
  restore: string;
}

export interface BackendFunctionality {
  modules: ResolvedHostFacts['modules'];
  tables: ResolvedHostFacts['tables'];
  /** `^:DOCKER_OUTPUT` in the nat table. */
  dockerOutputChain: boolean;
  /** Some table has more lines than an empty one (nat > 4, raw > 2, mangle > 5). */
  existingRules: boolean;
}

/** What decides between candidates: everything but the optional modules, which only the chosen set needs. */
export type CandidateFacts = Omit<BackendFunctionality, 'modules'>;

export type CandidateProbe =
  | { ok: true; mode: BackendMode; commands: IptablesCommands; facts: CandidateFacts }
  | { ok: false; mode: BackendMode; reason: string };

const VERSION = /^ip6?tables[\w-]*? v(\d+(?:\.\d+)+)(?: \((.*?)\))?/m;
const MINIMAL_MODULES = ['tcp', 'owner'] as const;
const OPTIONAL_MODULES = ['udp', 'comment', 'conntrack', 'multiport'] as const;
const TABLES = ['nat', 'raw', 'mangle'] as const;
// Non-comment lines of an empty table (its built-in chain declarations); more means someone put rules there.
const EMPTY_TABLE_LINES: Record<(typeof TABLES)[number], number> = { nat: 4, raw: 2, mangle: 5 };
const DOCKER_OUTPUT = /^:DOCKER_OUTPUT\b/m;

/** The mode `--version` reports; very old iptables do not know `--version` and are legacy. */
export function versionMode(output: string): BackendMode | undefined {
  if (output.includes("unrecognized option '--version'")) return 'legacy';
  const match = VERSION.exec(output);
  if (!match) return undefined;
  return match[2] === 'nf_tables' ? 'nft' : 'legacy';
}

// What a binary reports does not change while it stays the same file, so a runner asks each file once. Inferred,
// not from Kuma's source: names that resolve to one file report one mode (iptables 1.8 installs xtables-nft-multi and
// xtables-legacy-multi, each answering for all its names), which turns nine `--version` calls into two. Without a
// resolvable file, `iptables-nft*` / `iptables-legacy*` are cached by name (they never change what they are) and
// plain `iptables` (update-alternatives) is asked every time. An answer without a mode is never cached.
const knownModes = new WeakMap<CommandRunner, Map<string, Promise<BackendMode | undefined>>>();

async function modeOf(runner: CommandRunner, program: string, cacheable: boolean): Promise<BackendMode | undefined> {
  const cache = knownModes.get(runner) ?? new Map<string, Promise<BackendMode | undefined>>();
  knownModes.set(runner, cache);
  const file = await runner.executableFile?.(program);
  const key = file ?? (cacheable ? `name:${program}` : undefined);
  const cached = key === undefined ? undefined : cache.get(key);
  if (cached !== undefined) return cached;
  const asked = askVersion(runner, program);
  if (key !== undefined) {
    cache.set(key, asked);
    // Not installed or not understood: ask again next time.
    if ((await asked) === undefined) cache.delete(key);
  }
  return asked;
}

async function askVersion(runner: CommandRunner, program: string): Promise<BackendMode | undefined> {
  try {
    // Which binary this is does not depend on the network namespace.
    const r = await runner.run([program, '--version'], { allowFailure: true, inNetns: false, timeoutMs: 10_000 });
    return versionMode(`${r.stdout}\n${r.stderr}`);
  } catch {
    return undefined; // not installed
  }
}

/** `iptables-nft` before plain `iptables`, keeping the first whose `--version` reports the wanted mode. */
async function findProgram(runner: CommandRunner, base: string, mode: BackendMode): Promise<string | undefined> {
  const [head, ...rest] = base.split('-');
  const withMode = [`${head}-${mode}`, ...rest].join('-');
  if ((await modeOf(runner, withMode, true)) === mode) return withMode;
  if ((await modeOf(runner, base, false)) === mode) return base;
  return undefined;
}

async function succeeds(runner: CommandRunner, argv: string[]): Promise<{ ok: boolean; stdout: string }> {
  try {
    const r = await runner.run(argv, { allowFailure: true, timeoutMs: 10_000 });
    return { ok: r.exitCode === 0, stdout: r.stdout };
  } catch {
    return { ok: false, stdout: '' };
  }
}

/** Lines that are not blank, `#`, `*table` or COMMIT: chain declarations and rules. */
export const contentLineCount = (save: string): number =>
  save.split('\n').filter((l) => {
    const line = l.trim();
    return line !== '' && !line.startsWith('#') && !line.startsWith('*') && line !== 'COMMIT';
  }).length;

/**
 * Finds one candidate set and runs kumactl's minimal checks on it; `full` false reads only the nat table (enough for
 * IPv6, whose functionality kumactl does not use). The probes run inside the runner's network namespace. NOTE: like
 * kumactl, `iptables-legacy-save -t X` loads the legacy table X into the kernel and so leaves an empty legacy table
 * behind (kumactl --dry-run adds ::6/128 to lo too); this is the only trace reading leaves, and kumactl leaves the same
 * one.
 */
export async function probeCandidate(
  runner: CommandRunner,
  family: Family,
  mode: BackendMode,
  full = true,
): Promise<CandidateProbe> {
  const prefix = family === 'ipv4' ? 'iptables' : 'ip6tables';
  const names = [prefix, `${prefix}-save`, `${prefix}-restore`];
  const [iptables, save, restore] = await Promise.all(names.map((base) => findProgram(runner, base, mode)));
  if (iptables === undefined || save === undefined || restore === undefined) {
    const missing = names[[iptables, save, restore].indexOf(undefined)];
    return { ok: false, mode, reason: `no ${mode} ${missing} found` };
  }
  const tables: readonly (typeof TABLES)[number][] = full ? TABLES : ['nat'];
  const [tableRuns, minimal] = await Promise.all([
    Promise.all(tables.map((t) => succeeds(runner, [save, '-t', t]))),
    probeModules(runner, iptables, MINIMAL_MODULES),
  ]);
  const tableSaves = new Map(tables.map((t, i) => [t, tableRuns[i]!]));
  if (tableSaves.get('nat')?.ok !== true) {
    return { ok: false, mode, reason: 'unmet minimal requirements: missing table "nat"' };
  }
  for (const m of MINIMAL_MODULES) {
    if (!minimal[m]) return { ok: false, mode, reason: `unmet minimal requirements: missing module "${m}"` };
  }
  const facts: CandidateFacts = {
    tables: Object.fromEntries(
      TABLES.map((t) => [t, tableSaves.get(t)?.ok === true]),
    ) as BackendFunctionality['tables'],
    dockerOutputChain: DOCKER_OUTPUT.test(tableSaves.get('nat')?.stdout ?? ''),
    existingRules: [...tableSaves].some(([t, r]) => r.ok && contentLineCount(r.stdout) > EMPTY_TABLE_LINES[t]),
  };
  return { ok: true, mode, commands: { iptables, save, restore }, facts };
}

/**
 * The modules kumactl records for the rule generator (`-m X -h` exits 0). kumactl asks both candidate sets; the
 * answer only matters for the chosen one, so we ask it alone, after the choice: same result, four processes fewer
 * per candidate. tcp and owner passed the minimal checks already.
 */
export async function probeOptionalModules(
  runner: CommandRunner,
  iptables: string,
): Promise<BackendFunctionality['modules']> {
  return { tcp: true, owner: true, ...(await probeModules(runner, iptables, OPTIONAL_MODULES)) };
}

async function probeModules<M extends string>(
  runner: CommandRunner,
  iptables: string,
  modules: readonly M[],
): Promise<Record<M, boolean>> {
  const runs = await Promise.all(modules.map((m) => succeeds(runner, [iptables, '-m', m, '-h'])));
  return Object.fromEntries(modules.map((m, i) => [m, runs[i]!.ok])) as Record<M, boolean>;
}
