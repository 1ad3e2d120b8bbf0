import type * as z from 'zod';
import { agentConfigSchema } from './agent-config.js';

/** The agent config's JSON Schema entry, next to the desired-state files' (desired/json-schemas.ts). */
export const AGENT_SCHEMA: Record<string, readonly [z.ZodType, string]> = {
  'agent.schema.json': [agentConfigSchema, 'kuma-gitops agent config (/etc/kuma-gitops/agent.yaml)'],
};
