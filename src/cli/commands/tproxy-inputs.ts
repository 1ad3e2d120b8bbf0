/**
 * The inputs `tproxy rules` and `tproxy diff` share: Kuma version, config files, host facts and kumactl's own
 * flags after `--`. They go through kumactl's loader in one command line, so precedence is kumactl's:
 * defaults < config sources in order < KUMA_TRANSPARENT_PROXY_* env vars < kumactl flags.
 */

import { KumaGitopsError } from '../../errors.js';
import { CONFIG_MAX_BYTES, readInputFile } from '../../io/input-file.js';
import type { ResolvedHostFacts } from '../../model/host-facts.js';
import type { TproxyConfig } from '../../tproxy/config-types.js';
import { formatKumactlStderr, loadKumactlConfig } from '../../tproxy/kumactl-config.js';
import { TPROXY_ENV_PREFIX } from '../../tproxy/kumactl-env.js';
import { DEFAULT_HOST_FACTS } from '../../tproxy/rules/host-facts.js';
import { atLeast, DEFAULT_KUMA_VERSION, isSupported, type KumaVersion, parseKumaVersion } from '../../versions.js';
import type { FlagSpec, ParsedArgs } from '../args.js';
import type { CommandIo } from '../command.js';
import type { StdinReader } from './tproxy-stdin.js';

export const INPUT_FLAGS: Record<string, FlagSpec> = {
  'kuma-version': {
    kind: 'string',
    value: 'V',
    default: DEFAULT_KUMA_VERSION,
    help: 'Kuma version whose kumactl is modelled, 2.9 to 2.14 (e.g. 2.14.3 or 2.9)',
  },
  config: {
    kind: 'repeatable',
    value: 'FILE|-',
    help: 'tproxy config file (YAML or JSON, kumactl format); repeat to layer, later wins; - reads stdin',
  },
  facts: {
    kind: 'string',
    value: 'FILE',
    help: 'host facts (YAML or JSON); default: lo, users kuma-dp=5678 and root=0, no DNS servers, IPv6 on',
  },
};

export const INPUTS_DETAILS = `Inputs: the config is built as kumactl builds it: defaults < --config files (in order) < KUMA_TRANSPARENT_PROXY_*
environment variables (as kumactl of that version applies them; 2.11+ only when a config source is given; the
un-prefixed fallbacks are not read) < kumactl flags after --. --config files come before any --config of the
kumactl flags. Kuma 2.9 and 2.10 take one config file.
Facts file keys (all optional): loopbackInterface, users {name: uid}, dnsServers [resolv.conf nameservers],
ipv6, executables (false = kumactl's non-root dry-run), modules {comment, conntrack, udp, owner, tcp,
multiport}, tables {nat, raw, mangle}, dockerOutputChain.
kumactl errors: exit 1 with kumactl's own message on stderr.`;

export interface RuleInputs {
  version: KumaVersion;
  versionText: string;
  config: TproxyConfig;
  facts: ResolvedHostFacts;
  uid: string;
}

/** Resolves the shared inputs, or prints kumactl's error and returns undefined (the command exits 1). */
export async function loadRuleInputs(
  args: ParsedArgs,
  io: CommandIo,
  stdin: StdinReader,
): Promise<RuleInputs | undefined> {
  const versionText = args.strings['kuma-version']!;
  const version = parseSupportedVersion(versionText);
  const factsFile = args.strings.facts;
  // Loaded only with --facts: the facts schema pulls in zod, a tenth of a second of start-up.
  const facts =
    factsFile === undefined
      ? structuredClone(DEFAULT_HOST_FACTS)
      : (await import('../../tproxy/facts-file.js')).parseFactsFile(factsFile, readText(factsFile));
  const argv = [...configArgs(args.lists.config!, version), ...args.rest];
  const loaded = loadKumactlConfig({
    argv,
    env: tproxyEnv(),
    readSource: (path) => readText(path),
    stdin: readsStdin(argv) ? await stdin.read('--config -') : undefined,
    version,
    users: facts.users,
  });
  if (loaded.errors.length > 0 || loaded.uid === undefined) {
    io.err(formatKumactlStderr(loaded.errors));
    return undefined;
  }
  for (const warning of loaded.warnings) io.err(`${warning}\n`);
  return { version, versionText, config: loaded.config, facts, uid: loaded.uid };
}

export function parseSupportedVersion(text: string): KumaVersion {
  const version = parseKumaVersion(text);
  if (!isSupported(version)) {
    throw new KumaGitopsError(
      'tproxy.version.unsupported',
      `Kuma version ${text} is not modelled: the rule generator covers 2.9 to 2.14; pass --kuma-version in that range`,
      { version: text },
    );
  }
  return version;
}

/** Our --config files as kumactl flags: paths for 2.11+, the single `--config-file` of 2.9/2.10. */
function configArgs(files: readonly string[], version: KumaVersion): string[] {
  if (atLeast(version, 2, 11)) return files.flatMap((f) => ['--config', f]);
  if (files.length > 1) {
    throw new KumaGitopsError(
      'tproxy.config.one-file',
      `kumactl ${version.major}.${version.minor} reads one config file (--config-file), but ${files.length} --config were given: merge them into one, or model Kuma 2.11 or later`,
      { files },
    );
  }
  return files.flatMap((f) => ['--config-file', f]);
}

/** Only the prefixed names: generic fallbacks such as WAIT or VERBOSE are too likely set for other reasons. */
export function tproxyEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[0].startsWith(TPROXY_ENV_PREFIX) && e[1] !== undefined,
    ),
  );
}

/** Whether a kumactl command line names stdin (`--config -`, `--config-file=-`). */
export function readsStdin(argv: readonly string[]): boolean {
  return argv.some(
    (word, i) => (word === '-' && argv[i - 1]?.startsWith('--config')) || /^--config(-file)?=-$/.test(word),
  );
}

/** An operator's input file, bounded (io/input-file.ts): config and facts files are small. */
export function readText(file: string, maxBytes = CONFIG_MAX_BYTES): string {
  return readInputFile(file, maxBytes);
}
