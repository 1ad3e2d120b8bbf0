/**
 * `npm run demo` end to end, as a child process: every check passes and nothing is left behind, also when the demo
 * is interrupted halfway. Leftovers are looked up by the sandbox id the demo prints, so sandboxes of other tests
 * running in parallel do not count. Needs root and a built dist/ (`npm test` builds first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/world/cli.js';
import { ensureKumaDpUser } from '../support/world/users.js';
import { findLeftovers, parseDemoHeader } from './leftovers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const why =
  process.getuid?.() !== 0
    ? 'needs root'
    : existsSync(CLI)
      ? undefined
      : 'needs `npm run build` (dist/bin/kuma-gitops.js)';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the demo; `onOutput` sees the output so far after each chunk (to interrupt it at a given point). */
function runDemo(onOutput?: (output: string, child: ChildProcess) => void): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/demo/run.ts'], { cwd: ROOT });
    let output = '';
    const take = (d: Buffer) => {
      output += d;
      onOutput?.(output, child);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

async function expectNothingLeft(output: string): Promise<void> {
  const header = parseDemoHeader(output);
  expect(header, output).toBeDefined();
  expect(await findLeftovers(header!.id, header!.user)).toEqual([]);
}

describe.skipIf(why !== undefined && process.env.CI !== 'true')('npm run demo', () => {
  // `npm run demo` alone lets kuma-gitops create it; next to other test files, one creator avoids a useradd race.
  beforeAll(async () => {
    if (why === undefined) await ensureKumaDpUser();
  });

  it('runs every check, passes all twelve and leaves nothing behind', { timeout: 400_000 }, async () => {
    expect(why).toBeUndefined();
    const r = await runDemo();
    expect(r.code, r.output).toBe(0);
    const lines = r.output.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('demo: 12 of 12 checks passed');
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
      expect(r.output).toMatch(new RegExp(`^\\[ *[\\d.]+s\\] ${n}\\. ok: `, 'm'));
    expect(r.output).not.toMatch(/^ +FAILED: /m);
    await expectNothingLeft(r.output);
  });

  it('cleans up when interrupted with SIGTERM after kuma-dp started', { timeout: 240_000 }, async () => {
    let sent = false;
    const r = await runDemo((output, child) => {
      if (!sent && /\] 2\. ok: /.test(output)) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(sent, r.output).toBe(true);
    expect(r.code, r.output).toBe(143);
    expect(r.output).toContain('demo: interrupted by SIGTERM; cleaned up');
    expect(r.output).not.toContain('checks passed');
    await expectNothingLeft(r.output);
  });
});
