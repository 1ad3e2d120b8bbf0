import type { Family } from '../../model/family.js';
import { type ComputedRules, computeRules } from '../../tproxy/compute-rules.js';
import type { Command } from '../command.js';
import { INPUT_FLAGS, INPUTS_DETAILS, loadRuleInputs } from './tproxy-inputs.js';
import { stdinReader } from './tproxy-stdin.js';

const HEADERS = { ipv4: '### IPv4 ###', ipv6: '### IPv6 ###' } as const;

export const tproxyRulesCommand: Command = {
  spec: {
    name: 'tproxy rules',
    summary:
      "Print the iptables rules `kumactl install transparent-proxy` would install, in kumactl's or iptables-save form.",
    usage:
      'kuma-gitops tproxy rules [--kuma-version V] [--config FILE|-]... [--facts FILE] [--family ipv4|ipv6|all] [--format restore|save] [-- KUMACTL_FLAGS...]',
    details: `--format restore --family all prints exactly what \`kumactl install transparent-proxy --dry-run\` prints
(### IPv4 ### and, when IPv6 is enabled, ### IPv6 ###). With one family it prints that family's restore file
without the header, ready for \`iptables-restore --noflush\`. --format save prints the Kuma-owned rules as
iptables-save of the current backends shows them after the install (legacy, nft 1.8.7+), one family per
### block with --family all. A family kumactl would not build prints nothing (a note goes to stderr).

${INPUTS_DETAILS}

Exit 0: printed. Exit 1: bad input, or kumactl would fail.`,
    passthrough: true,
    flags: {
      ...INPUT_FLAGS,
      family: {
        kind: 'string',
        choices: ['ipv4', 'ipv6', 'all'],
        default: 'all',
        value: 'FAMILY',
        help: 'ipv4, ipv6 or all',
      },
      format: {
        kind: 'string',
        choices: ['restore', 'save'],
        default: 'restore',
        value: 'FORMAT',
        help: 'restore or save',
      },
    },
  },
  async run(args, io) {
    const inputs = await loadRuleInputs(args, io, stdinReader(io));
    if (!inputs) return 1;
    const rules = computeRules(inputs.version, inputs.config, inputs.facts, inputs.uid);
    const family = args.strings.family as Family | 'all';
    const save = args.strings.format === 'save';
    if (family === 'all') {
      io.out(save ? saveBlocks(rules) : rules.dryRun);
      return 0;
    }
    const text = save ? rules.save(family) : rules.restore(family);
    if (text === undefined) {
      io.err(
        `kuma-gitops tproxy rules: kumactl builds no ${family} rules for these inputs (ipFamilyMode ipv4, or facts with ipv6 or executables false)\n`,
      );
      return 0;
    }
    io.out(text);
    return 0;
  },
};

/** Both families' save forms, in the dry-run layout: a header, a blank line, the rules; blank lines between. */
function saveBlocks(rules: ComputedRules): string {
  const blocks = rules.sets.map((s) => `${HEADERS[s.family]}\n\n${rules.save(s.family)!.trim()}`);
  return `${blocks.join('\n\n')}\n`;
}
