import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentDir } from '../../agent/agent-state.js';
import { pidExists } from '../../system/pid-exists.js';

/** SIGHUP to the agent holding the state directory's lock (sync now); its pid, or undefined when none runs. */
export function signalRunningAgent(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(agentDir(stateDir), 'lock'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !pidExists(pid)) return undefined;
    process.kill(pid, 'SIGHUP');
    return pid;
  } catch {
    return undefined;
  }
}
