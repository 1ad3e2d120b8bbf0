import type { CommandRunner } from '../system/command-runner.js';
import { DEFAULT_DRAIN_MS, STOP_MARGIN_MS } from './drain-time.js';
import { withHandStarted } from './hand-started.js';
import type { Supervisor, SupervisorKind } from './supervisor.js';

/**
 * The supervisor a host's reconcile, agent and status use: the configured kind, seeing a kuma-dp started by hand
 * (an adopted host) until its first restart.
 */
export async function createHostSupervisor(o: {
  kind: SupervisorKind;
  host: string;
  stateDir: string;
  netns: string | undefined;
  runner: CommandRunner;
}): Promise<Supervisor> {
  const inner =
    o.kind === 'systemd'
      ? (await import('./systemd-supervisor.js')).createSystemdSupervisor({ host: o.host, runner: o.runner })
      : (await import('./process-supervisor.js')).createProcessSupervisor({
          host: o.host,
          stateDir: o.stateDir,
          netns: o.netns,
        });
  return withHandStarted(inner, {
    netns: o.netns,
    stateDir: o.stateDir,
    stopTimeoutMs: DEFAULT_DRAIN_MS + STOP_MARGIN_MS,
  });
}
