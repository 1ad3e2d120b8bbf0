import { userInfo } from 'node:os';
import { readAgentState, recordAccepted } from '../../agent/agent-state.js';
import { loadAgentConfig } from '../../agent/load-agent-config.js';
import { KumaGitopsError } from '../../errors.js';
import type { Command } from '../command.js';
import { AGENT_FLAGS } from './agent-flags.js';
import { signalRunningAgent } from './agent-signal.js';

/**
 * `agent accept --revision C`: an operator accepts a revision the agent refused as a rewind (a force-pushed branch).
 * The record (who, when, which commit) stays in `<stateDir>/agent/accepted.json`; a running agent is told to sync.
 */
export const agentAcceptCommand: Command = {
  spec: {
    name: 'agent accept',
    summary: 'Accept a revision the agent refused because the branch was rewound (force-pushed).',
    usage: 'kuma-gitops agent accept --revision COMMIT [--config FILE]',
    details: 'COMMIT: the full commit id, or at least 7 characters of the refused one (kuma-gitops status shows it).',
    flags: {
      config: AGENT_FLAGS.config,
      revision: { kind: 'string', required: true, value: 'COMMIT', help: 'the commit to accept' },
    },
  },
  async run(args, io) {
    const config = loadAgentConfig(args.strings.config!);
    const wanted = args.strings.revision!.toLowerCase();
    const refused = readAgentState(config.stateDir).refused;
    const commit = /^[0-9a-f]{40}$/.test(wanted)
      ? wanted
      : wanted.length >= 7 && /^[0-9a-f]+$/.test(wanted) && refused?.commit.startsWith(wanted)
        ? refused.commit
        : undefined;
    if (commit === undefined) {
      throw new KumaGitopsError(
        'agent.accept-unknown',
        `'${args.strings.revision}' is neither a full commit id nor the start of the refused revision${refused ? ` (${refused.commit})` : ' (none is refused)'}; give the full commit id`,
        { revision: args.strings.revision },
      );
    }
    const by = process.env.SUDO_USER ?? userInfo().username;
    recordAccepted(config.stateDir, { commit, at: new Date().toISOString(), by });
    const pid = signalRunningAgent(config.stateDir);
    io.out(
      `accepted ${commit} for host ${config.host} (recorded as accepted by ${by})${pid !== undefined ? `; the running agent (pid ${pid}) syncs now` : '; the agent applies it at its next start'}\n`,
    );
    return 0;
  },
};
