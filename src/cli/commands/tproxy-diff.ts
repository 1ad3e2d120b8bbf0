import { KumaGitopsError } from '../../errors.js';
import { LIVE_MAX_BYTES } from '../../io/input-file.js';
import { diffRuleSets } from '../../iptables/drift.js';
import { SaveParseError } from '../../iptables/errors.js';
import { scopeLiveSave } from '../../iptables/live-scope.js';
import { parseSave } from '../../iptables/parse-save.js';
import { quoteInput } from '../../issues.js';
import type { Family } from '../../model/family.js';
import type { SavedRuleSet } from '../../model/ruleset.js';
import { computeRules } from '../../tproxy/compute-rules.js';
import type { Command } from '../command.js';
import { formatDriftJson, formatDriftText } from './tproxy-diff-report.js';
import { INPUT_FLAGS, INPUTS_DETAILS, loadRuleInputs, readText } from './tproxy-inputs.js';
import { type StdinReader, stdinReader } from './tproxy-stdin.js';

export const tproxyDiffCommand: Command = {
  spec: {
    name: 'tproxy diff',
    summary: "Compare a host's live iptables-save output with the rules kumactl would install, on what Kuma owns.",
    usage:
      'kuma-gitops tproxy diff --live FILE|- [--family ipv4|ipv6] [--kuma-version V] [--config FILE|-]... [--facts FILE] [--output text|json] [-- KUMACTL_FLAGS...]',
    details: `--live is the output of the family's *-save of the backend kumactl chose (iptables-nft-save, or
iptables-legacy-save), with or without counters and # lines. Only what Kuma owns is compared: the KUMA_MESH_*
chains in order, and the rules in built-in chains that carry the kuma/mesh/transparent/proxy comment or jump
into a Kuma chain. Inserted rules must precede foreign rules in their chain; foreign tables, chains and rules,
counters, table order and chain-declaration order never count. Each difference has a kind (missing-chain,
unexpected-chain, missing-rule, unexpected-rule, changed-rule, reordered, jump-missing, jump-displaced,
owned-rule-without-comment), the table, chain, family and both rule texts.

${INPUTS_DETAILS}

Exit 0: in sync. Exit 2: drift (the report is on stdout). Exit 1: bad input or an unreadable live file.`,
    passthrough: true,
    flags: {
      live: {
        kind: 'string',
        required: true,
        value: 'FILE|-',
        help: 'iptables-save output of the host; - reads stdin',
      },
      family: { kind: 'string', choices: ['ipv4', 'ipv6'], default: 'ipv4', value: 'FAMILY', help: 'family of --live' },
      ...INPUT_FLAGS,
      output: { kind: 'string', choices: ['text', 'json'], default: 'text', value: 'FORMAT', help: 'text or json' },
    },
  },
  async run(args, io) {
    const stdin = stdinReader(io);
    const liveFile = args.strings.live!;
    // The live file is read first so that `--live -` owns stdin and a `--config -` is the one told to change.
    const live = await readLiveSave(liveFile, stdin);
    const inputs = await loadRuleInputs(args, io, stdin);
    if (!inputs) return 1;
    const family = args.strings.family as Family;
    const expected = computeRules(inputs.version, inputs.config, inputs.facts, inputs.uid).expected(family);
    const differences = diffRuleSets(expected, live, family);
    const report = {
      live: liveFile === '-' ? 'stdin' : liveFile,
      family,
      kumaVersion: inputs.versionText,
      expected,
      differences,
    };
    io.out(args.strings.output === 'json' ? formatDriftJson(report) : formatDriftText(report));
    return differences.length === 0 ? 0 : 2;
  },
};

/** A family's iptables-save text as given, scoped to what Kuma could own; a parse error names its line in the file. */
export async function readLiveSave(file: string, stdin: StdinReader): Promise<SavedRuleSet> {
  const scoped = scopeLiveSave(file === '-' ? await stdin.read('--live -') : readText(file, LIVE_MAX_BYTES));
  try {
    return parseSave(scoped.text);
  } catch (e) {
    if (!(e instanceof SaveParseError)) throw e;
    // Line numbers, also those inside the reason ("table *nat (line 3)"), count lines of the file as given.
    const reason = String(e.data.reason).replace(/\(line (\d+)\)/g, (_, n) => `(line ${scoped.lineOf(Number(n))})`);
    throw new KumaGitopsError(
      'tproxy.live.unparsable',
      `live ruleset ${file === '-' ? 'stdin' : file}, line ${scoped.lineOf(e.line)}: ${reason}: ${quoteInput(e.text)}. Pass the unmodified output of iptables-save (or ip6tables-save) of one family`,
      { file, line: scoped.lineOf(e.line) },
    );
  }
}
