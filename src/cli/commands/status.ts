import { formatStatusText } from '../../agent/agent-status.js';
import { loadAgentConfig } from '../../agent/load-agent-config.js';
import { readAgentStatus } from '../../agent/read-agent-status.js';
import type { Command } from '../command.js';
import { AGENT_FLAGS } from './agent-flags.js';

export const statusCommand: Command = {
  spec: {
    name: 'status',
    summary: "The agent's view of this host: applied revision, last sync, refused or quarantined revisions, kuma-dp.",
    usage: 'kuma-gitops status [--config FILE] [--netns NS] [--output text|json]',
    details:
      'Exit 0: healthy. Exit 2: degraded (see the problem lines). Exit 1: error (no config, the agent never ran).',
    flags: {
      ...AGENT_FLAGS,
      output: { kind: 'string', choices: ['text', 'json'], default: 'text', value: 'FORMAT', help: 'text or json' },
    },
  },
  async run(args, io) {
    const config = loadAgentConfig(
      args.strings.config!,
      args.strings.netns !== undefined ? { netns: args.strings.netns } : {},
    );
    const report = await readAgentStatus(config);
    io.out(args.strings.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatusText(report));
    return report.health === 'healthy' ? 0 : report.health === 'degraded' ? 2 : 1;
  },
};
