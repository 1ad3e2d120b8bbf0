import type { Issue } from '../issues.js';
import { compareKumaVersions, type KumaVersion } from '../versions.js';
import { checkExcludedIpsEntry, parseVnetNetwork } from './address-checks.js';
import { defaultTproxyConfig, type TproxyConfig } from './config-types.js';
import { type AppliedEnvVar, applyTproxyEnv } from './kumactl-env.js';
import { applyKumactlFlags, dnsFlagConflict, type KumactlArgs, parseKumactlInstallArgs } from './kumactl-flags.js';
import { loadTproxyConfigSources } from './load-config.js';
import { type HostUsers, resolveKumaDpUser } from './resolve-user.js';
import { parseUidExclusion, UID_ERROR_PREFIX } from './uid-exclusions.js';

export interface KumactlInvocation {
  /** `kumactl install transparent-proxy` arguments (a leading `kumactl install transparent-proxy` is skipped). */
  argv: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads a `--config`/`--config-file` path; throw if it cannot be read. */
  readSource: (path: string) => string;
  stdin?: string;
  /** The kumactl version modelled (default: 2.14). */
  version?: KumaVersion;
  /**
   * Host users (/etc/passwd); when given, kumaDPUser is resolved as kumactl does (kumahq/kuma
   * pkg/transparentproxy/config/config.go@v2.14.3, InitializeKumaDPUser).
   */
  users?: HostUsers;
}

export interface KumactlConfig {
  config: TproxyConfig;
  /** Problems inside config files, with file and line. */
  issues: Issue[];
  /** Everything kumactl would fail on, in its order: `errors[0]` is what it prints (see formatKumactlStderr). */
  errors: string[];
  warnings: string[];
  args: KumactlArgs;
  envApplied: AppliedEnvVar[];
  /** The UID for `--uid-owner`, when `users` were given and resolution succeeded. */
  uid?: string;
}

/** kumactl prints only the first error, as `Error: <message>`. */
export const formatKumactlStderr = (errors: readonly string[]): string => (errors[0] ? `Error: ${errors[0]}\n` : '');

const INITIALIZE_CODES = new Set([
  'tproxy.exclude-uids.invalid',
  'tproxy.exclude-uids.uid-range',
  'tproxy.exclude-ips.invalid',
  'tproxy.vnet.invalid',
]);
// Every 2.11 patch (2.11.0 included) already has the 2.11 loader: compare with 2.11.0, not "2.11 any patch".
const before211 = (v?: KumaVersion) => !!v && compareKumaVersions(v, { major: 2, minor: 11, patch: 0 }) < 0;

/**
 * What `kumactl install transparent-proxy` ends up with (kumahq/kuma
 * app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3 and pkg/config/loader.go): defaults < config sources (in
 * order)
 * < env vars < flags. 2.11+: env vars are re-applied after each non-empty source and ignored without one;
 * `--config` values are paths (`-` is stdin, not split on commas). 2.9/2.10: `--config` is inline content,
 * `--config-file` wins over it, and env vars are always applied.
 */
export function loadKumactlConfig(inv: KumactlInvocation): KumactlConfig {
  const env = inv.env ?? {};
  const args = parseKumactlInstallArgs(inv.argv, { version: inv.version });
  const errors = [...args.errors];
  const warnings = [...args.warnings];
  const conflict = dnsFlagConflict(args.flags);
  if (conflict) errors.push(conflict);

  let config = defaultTproxyConfig();
  const issues: Issue[] = [];
  const envApplied: AppliedEnvVar[] = [];
  let stdin = inv.stdin;
  const readStdin = (): string | undefined => {
    if (stdin === undefined) errors.push("'-' reads the config from stdin, but no stdin was given");
    const text = stdin ?? '';
    stdin = ''; // a second `-` finds stdin at its end
    return text;
  };
  const read = (path: string): string | undefined => {
    if (path === '-') return readStdin();
    try {
      return inv.readSource(path);
    } catch (e) {
      // kumactl's wording for an unreadable file is not in the reference.
      errors.push(`failed to read config source '${path}': ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const load = (file: string, text: string) => {
    const loaded = loadTproxyConfigSources([{ file, text }], config);
    config = loaded.config;
    issues.push(...loaded.issues);
    for (const i of loaded.issues) {
      // Entry checks (UIDs, IPs, vnet) happen in Initialize on the final config: see initializeErrors.
      if (i.severity === 'error' && !INITIALIZE_CODES.has(i.code))
        errors.push(`${i.file}:${i.line ?? 0}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    }
  };
  const applyEnv = () => {
    const r = applyTproxyEnv(config, env);
    config = r.config;
    for (const e of r.errors) if (!errors.includes(e)) errors.push(e);
    for (const a of r.applied) if (!envApplied.some((x) => x.path === a.path)) envApplied.push(a);
  };

  if (before211(inv.version)) {
    const inline = args.configSources.at(-1);
    if (args.configFile !== undefined && args.configFile.trim() !== '') {
      const text = read(args.configFile.trim());
      if (text !== undefined) load(args.configFile.trim(), text);
    } else if (inline === '-') {
      errors.push("'--config -' is not supported: use '--config-file -' to read the config from stdin");
    } else if (inline !== undefined && inline !== '') load('--config', inline);
    applyEnv();
  } else {
    // `--config-file` is only known up to 2.14: later versions leave configFile undefined (kumactlFlagSpecs).
    const values = [...(args.configFile !== undefined ? [args.configFile] : []), ...args.configSources];
    for (const value of values) {
      const path = value.trim();
      if (path === '') continue;
      const text = read(path);
      if (text !== undefined) load(path, text);
      applyEnv();
    }
  }

  const flagged = applyKumactlFlags(config, args.flags, { version: inv.version });
  config = flagged.config;
  errors.push(...flagged.errors);

  const result: KumactlConfig = { config, issues, errors, warnings, args, envApplied };
  if (inv.users) {
    const user = resolveKumaDpUser(config, inv.users);
    if (user.ok) result.uid = user.uid;
    else errors.push(user.message);
  }
  errors.push(...initializeErrors(config));
  return result;
}

/** The value checks kumactl makes in `Initialize`, after all sources, env vars and flags. */
export function initializeErrors(config: TproxyConfig): string[] {
  const errors: string[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const flow = config.redirect[direction];
    for (const entry of flow.excludePortsForIPs) errors.push(...checkExcludedIpsEntry(entry));
    for (const entry of flow.excludePortsForUIDs) {
      // The prefix says "outbound" for both directions: one TrafficFlow.Initialize serves both (inferred).
      const r = parseUidExclusion(entry);
      if (!r.ok) errors.push(`${UID_ERROR_PREFIX}${r.message}`);
    }
  }
  for (const entry of config.redirect.vnet.networks) {
    const r = parseVnetNetwork(entry);
    if (!r.ok) errors.push(r.message);
  }
  return errors;
}
