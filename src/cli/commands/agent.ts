import { hostname } from 'node:os';
import { loadAgentConfig } from '../../agent/load-agent-config.js';
import { runAgent } from '../../agent/run-agent.js';
import { processSignals } from '../../agent/wakeup.js';
import { KUMA_GITOPS_VERSION } from '../../version.js';
import type { Command } from '../command.js';
import { AGENT_FLAGS } from './agent-flags.js';

export const agentCommand: Command = {
  spec: {
    name: 'agent',
    summary: 'Follow a branch of the desired-state repository and keep this host on its last good revision.',
    usage:
      'kuma-gitops agent [--config FILE] [--once] [--netns NS]\n       kuma-gitops agent accept --revision COMMIT [--config FILE]',
    details:
      'Logs are JSON lines on stdout (one event per sync, plan step, apply, rollback, refusal). SIGHUP: sync now.\n' +
      'SIGTERM/SIGINT: stop after the current step. With --once: one sync, exit 0 when the host is on the branch head\n' +
      '(or on purpose not: the head does not change it), 2 when it is held back (refused, invalid, quarantined,\n' +
      'rolled back, or the server unreachable), 1 on an error before anything ran (bad config, lock held).',
    flags: { ...AGENT_FLAGS, once: { kind: 'boolean', help: 'one sync, then exit' } },
  },
  subcommands: { accept: async () => (await import('./agent-accept.js')).agentAcceptCommand },
  async run(args, io) {
    const config = loadAgentConfig(args.strings.config!, {
      ...(args.strings.netns !== undefined ? { netns: args.strings.netns } : {}),
      defaultHost: hostname().split('.')[0]!,
    });
    const { default: pino } = await import('pino');
    const logger = pino({ base: { host: config.host } }, pino.destination({ fd: 1, sync: true }));
    const log = (event: string, data?: Record<string, unknown>) =>
      event.startsWith('warning: ') ? logger.warn(data ?? {}, event.slice(9)) : logger.info(data ?? {}, event);
    log('agent starting', {
      url: config.source.url,
      branch: config.source.branch,
      path: config.source.path,
      pid: process.pid,
    });
    const code = await runAgent({
      config,
      once: args.booleans.once!,
      log,
      // kuma-gitops' version is in every host's inputs digest: an upgrade re-plans each host once.
      salt: JSON.stringify([KUMA_GITOPS_VERSION, config.policy]),
      signals: (w) => processSignals(w, log),
    });
    log('agent stopped', { exitCode: code });
    void io;
    return code;
  },
};
