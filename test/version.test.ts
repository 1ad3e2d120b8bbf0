import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { KUMA_GITOPS_VERSION } from '../src/version.js';

it('src/version.ts says the version package.json says', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(KUMA_GITOPS_VERSION).toBe(pkg.version);
});
