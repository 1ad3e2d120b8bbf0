/**
 * An e2e host (e2e-host.ts) followed by the agent (agent-follow.ts), with the host's files allowed under the world's
 * folder, every CLI run under the e2e tests' shared coordination lock, and everything closed at the host's cleanup.
 */
import { type FollowedRepo, followRepo } from '../agent-follow.js';
import { type E2eHost, withSharedCoord } from './e2e-host.js';

export { type AgentEvent, parseEvents, TOKEN } from '../agent-follow.js';

export interface AgentHost extends FollowedRepo {
  h: E2eHost;
}

export async function followedHost(h: E2eHost): Promise<AgentHost> {
  const f = await followRepo({
    repo: h.repo,
    dir: h.dir,
    netns: h.netns,
    stateDir: h.stateDir,
    around: withSharedCoord,
  });
  h.onCleanup(() => f.close());
  return { ...f, h };
}
