import { formatTproxyConfigChangesYaml } from '../../tproxy/format-config.js';
import { inferAcrossVersions, inferTproxyConfig } from '../../tproxy/infer-config.js';
import { DEFAULT_KUMA_VERSION } from '../../versions.js';
import type { Command } from '../command.js';
import { readLiveSave } from './tproxy-diff.js';
import { INPUT_FLAGS, loadRuleInputs } from './tproxy-inputs.js';
import { stdinReader } from './tproxy-stdin.js';

/**
 * `tproxy infer`: the kumactl config that produced a host's Kuma rules, read off its iptables-save output and proven
 * by regenerating the rules. The first step of bringing a host set up by hand into the repository.
 */
export const tproxyInferCommand: Command = {
  spec: {
    name: 'tproxy infer',
    summary: "Find the kumactl transparent-proxy config that produces exactly a host's Kuma rules.",
    usage: 'kuma-gitops tproxy infer --live FILE|- [--live6 FILE] [--kuma-version V] [--facts FILE]',
    details: `--live (and --live6) are the host's iptables-save (ip6tables-save) output of the backend kumactl chose.
The settings are read off the rules, the rules that config gives for --facts and --kuma-version are computed, and
the config is printed (only what differs from kumactl's defaults, as a --config file) when they equal the live
ones. Every option family kumactl writes rules for is read except the chain name prefix; the insert mode only
where the order of the built-in chains shows it (else append, kumactl's default, which then gives the same rules). Rules no config explains (edited by hand, or from a Kuma version outside
2.9 to 2.14) are listed instead. Exit 0: printed. Exit 2: some rules are not explained (listed). Exit 1: bad input.`,
    flags: {
      live: { kind: 'string', required: true, value: 'FILE|-', help: 'iptables-save output; - reads stdin' },
      live6: { kind: 'string', value: 'FILE', help: 'ip6tables-save output, for a dual-stack host' },
      'kuma-version': {
        kind: 'string',
        value: 'V',
        help: "Kuma version of the host's kumactl; default: every supported one is tried, and those that fit are named",
      },
      facts: INPUT_FLAGS.facts!,
    },
  },
  async run(args, io) {
    const stdin = stdinReader(io);
    const ipv4 = await readLiveSave(args.strings.live!, stdin);
    const ipv6 = args.strings.live6 === undefined ? undefined : await readLiveSave(args.strings.live6, stdin);
    // Only the version and the facts are inputs here: the config is what is looked for.
    const given = args.strings['kuma-version'];
    const strings = { ...args.strings, 'kuma-version': given ?? DEFAULT_KUMA_VERSION };
    const inputs = await loadRuleInputs({ ...args, strings, lists: { config: [] }, rest: [] }, io, stdin);
    if (!inputs) return 1;
    const live = { ipv4, ...(ipv6 ? { ipv6 } : {}) };
    if (given === undefined) {
      // The rules' shape tells the version: the newest that fits, and every other that gives the same rules.
      const fits = inferAcrossVersions(live, inputs.facts);
      if (fits.length > 0) {
        const versions = fits.map((f) => `${f.version.major}.${f.version.minor}`).join(', ');
        io.out(
          `# kumactl install transparent-proxy --config <this file> gives exactly the live rules (Kuma ${versions})\n${formatTproxyConfigChangesYaml(fits[0]!.config)}`,
        );
        return 0;
      }
    }
    const r = inferTproxyConfig(live, inputs.facts, inputs.version);
    if (r.ok) {
      io.out(
        `# kumactl install transparent-proxy --config <this file> gives exactly the live rules (Kuma ${inputs.versionText})\n${formatTproxyConfigChangesYaml(r.config)}`,
      );
      return 0;
    }
    const lines = 'reason' in r ? [`no config: ${r.reason}`] : ['no kumactl config read so far explains these rules:'];
    for (const d of r.unexplained) {
      lines.push(`  ${d.family} ${d.table} ${d.chain}: ${d.kind}`);
      if (d.actual) lines.push(`    live:     ${d.actual}`);
      if (d.expected) lines.push(`    computed: ${d.expected}`);
    }
    io.out(`${lines.join('\n')}\n`);
    return 2;
  },
};
