import { formatHelp } from '../args.js';
import type { Command } from '../command.js';

/** `kuma-gitops tproxy <subcommand>`: main picks the subcommand; this only answers when none is named. */
export const tproxyCommand: Command = {
  spec: {
    name: 'tproxy',
    summary: "Kuma's transparent-proxy rules, exactly as `kumactl install transparent-proxy` builds them.",
    usage: 'kuma-gitops tproxy <rules|diff|import|infer> [flags]',
    details: `Subcommands:
  rules    print the rules kumactl would install (its --dry-run text, or iptables-save form)
  diff     compare a host's iptables-save output with them (exit 2 on drift)
  import   turn a kumactl install transparent-proxy command line into tproxy config YAML
  infer    find the config that produces a host's Kuma rules, from its iptables-save output
Run 'kuma-gitops tproxy <subcommand> --help' for its flags.`,
    flags: {},
  },
  subcommands: {
    rules: async () => (await import('./tproxy-rules.js')).tproxyRulesCommand,
    diff: async () => (await import('./tproxy-diff.js')).tproxyDiffCommand,
    import: async () => (await import('./tproxy-import.js')).tproxyImportCommand,
    infer: async () => (await import('./tproxy-infer.js')).tproxyInferCommand,
  },
  async run(_args, io) {
    io.err(`kuma-gitops tproxy: name a subcommand.\n${formatHelp(this.spec)}`);
    return 1;
  },
};
