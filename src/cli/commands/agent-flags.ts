import { DEFAULT_AGENT_CONFIG } from '../../agent/load-agent-config.js';

/** Flags of `agent`, `agent accept` and `status`: which config, and (tests, the demo) which namespace. */
export const AGENT_FLAGS = {
  config: {
    kind: 'string',
    default: DEFAULT_AGENT_CONFIG,
    value: 'FILE',
    help: 'the agent config (root-owned, mode 0600)',
  },
  netns: {
    kind: 'string',
    value: 'NS',
    help: 'run network commands inside this network namespace (tests and the demo); default: the host itself',
  },
} as const;
