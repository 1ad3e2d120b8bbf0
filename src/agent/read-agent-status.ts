import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHostSupervisor } from '../supervisor/host-supervisor.js';
import { askReady } from '../supervisor/ready-probe.js';
import { createCommandRunner } from '../system/execa-runner.js';
import type { AgentConfig } from './agent-config.js';
import { agentDir, readAgentState, runningAgentPid } from './agent-state.js';
import { type AgentStatusReport, statusReport } from './agent-status.js';
import { readDrift } from './read-drift.js';

/** The status report from the state directory, kuma-dp's supervisor record and one `GET /ready`. */
export async function readAgentStatus(config: AgentConfig): Promise<AgentStatusReport> {
  const stateFile = join(agentDir(config.stateDir), 'state.json');
  const state = existsSync(stateFile) ? readAgentState(config.stateDir) : undefined;
  const runner = createCommandRunner({ netns: config.netns });
  const supervisor = await createHostSupervisor({
    kind: config.supervisor,
    host: config.host,
    stateDir: config.stateDir,
    netns: config.netns,
    runner,
  });
  const kumaDpPid = (await supervisor.status().catch(() => undefined))?.pid;
  const port = state?.lastGood?.readinessPort;
  let ready: { ok: boolean; error?: string } | undefined;
  if (kumaDpPid !== undefined && port !== undefined) {
    // Inferred: loopback IPv4, as for an IPv4 Dataplane address (kuma-dp binds its readiness server to it).
    const answer = await askReady({ address: '127.0.0.1', port }, { runner });
    ready =
      answer.status === 200
        ? { ok: true }
        : { ok: false, error: answer.error ?? `HTTP ${answer.status} ${answer.body?.trim() ?? ''}`.trim() };
  }
  const drift = state?.lastGood ? await readDrift(config, state.lastGood.commit) : undefined;
  return statusReport(config, state, {
    agentPid: runningAgentPid(config.stateDir),
    kumaDpPid,
    ready,
    ...(drift ? { drift } : {}),
  });
}
