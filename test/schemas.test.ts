import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_SCHEMA } from '../src/agent/agent-schema.js';
import { jsonSchemas } from '../src/desired/json-schemas.js';

describe('schemas/', () => {
  it.each(Object.entries(jsonSchemas(AGENT_SCHEMA)))(
    '%s is up to date (run `npm run schemas` after changing a zod schema)',
    (name, text) => {
      expect(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')).toBe(text);
    },
  );
});
