import { runningAgentPid } from '../../agent/agent-state.js';

/** SIGHUP to the agent holding the state directory's lock (sync now); its pid, or undefined when none runs. */
export function signalRunningAgent(stateDir: string): number | undefined {
  const pid = runningAgentPid(stateDir);
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 'SIGHUP');
    return pid;
  } catch {
    return undefined;
  }
}
