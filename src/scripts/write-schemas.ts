import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_SCHEMA } from '../agent/agent-schema.js';
import { jsonSchemas } from '../desired/json-schemas.js';

/** `npm run schemas`: regenerate schemas/ from the zod schemas (test/schemas.test.ts fails when they differ). */
const dir = process.argv[2] ?? 'schemas';
for (const [name, text] of Object.entries(jsonSchemas(AGENT_SCHEMA))) {
  writeFileSync(join(dir, name), text);
  process.stdout.write(`wrote ${join(dir, name)}\n`);
}
