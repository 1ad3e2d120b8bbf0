import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { main } from '../../src/cli/main.js';

export const SAMPLE_REPO = fileURLToPath(new URL('../../desired-state', import.meta.url));

/** A copy of the sample desired-state repo in a temp dir, with some files replaced or deleted. */
export function sampleRepoWith(files: Record<string, string> = {}, remove: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-repo-'));
  cpSync(SAMPLE_REPO, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const path of remove) rmSync(join(dir, path), { force: true });
  return dir;
}

/** sampleRepoWith for one test file: every copy it made is removed after the file's tests. */
export function sampleRepos(): (files?: Record<string, string>) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (files = {}) => {
    const dir = sampleRepoWith(files);
    dirs.push(dir);
    return dir;
  };
}

/** Run the CLI in-process and capture what it prints; `stdin`, when given, is what the command reads as `-`. */
export async function runCli(
  argv: readonly string[],
  options: { stdin?: string } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdin = options.stdin;
  const readStdin = stdin === undefined ? undefined : async () => stdin;
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), readStdin });
  return { code, out, err };
}
