/**
 * The quick start from a checkout other users cannot enter, as a clone in /root or in a `mktemp -d` folder is on
 * Debian (both 0700): the demo and a representative part of the suite (everything that runs as the kuma-dp user,
 * a throw-away user or `nobody`: stand-in, supervisor, refusals, a fresh install) run from a copy of this checkout
 * in a fresh 0700 folder and must pass there as they do here. The copy shares node_modules (a link) and dist/.
 * Needs root; under CI=true it fails instead of skipping.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../support/world/cli.js';
import { ensureKumaDpUser } from '../support/world/users.js';

const why = process.getuid?.() !== 0 ? 'needs root' : existsSync(CLI) ? undefined : 'needs `npm run build`';
const SUITE_PART = [
  'test/standin/kuma-dp-user.test.ts',
  'test/supervisor/process-supervisor-standin.test.ts',
  'test/reconcile/refusals.test.ts',
  'test/reconcile/fresh-install.test.ts',
];
const LEFT_OUT = new Set(['node_modules', '.git', 'bench-results']);

function run(argv: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, CI: 'true' } });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(why !== undefined && process.env.CI !== 'true')('a checkout under a 0700 folder', () => {
  let top: string | undefined;
  afterAll(() => {
    if (top !== undefined) rmSync(top, { recursive: true, force: true });
  });

  it('runs the demo and the suite’s other-user tests as from a world-readable one', { timeout: 900_000 }, async () => {
    expect(why).toBeUndefined();
    // Named like the e2e worlds' temp dirs: a killed run's copy goes with their leftovers.
    top = mkdtempSync(join(tmpdir(), `kgtest-e2e-${process.pid}-private-checkout-`));
    const copy = join(top, 'kuma-gitops');
    expect(statSync(top).mode & 0o777).toBe(0o700);
    cpSync(ROOT, copy, { recursive: true, filter: (src) => !LEFT_OUT.has(relative(ROOT, src).split('/')[0]!) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    await ensureKumaDpUser();

    const demo = await run([process.execPath, '--import', 'tsx', 'test/demo/run.ts'], copy);
    expect(demo.code, demo.output).toBe(0);
    expect(demo.output.trimEnd().split('\n').at(-1), demo.output).toBe('demo: 12 of 12 checks passed');

    const suite = await run(
      [process.execPath, join(copy, 'node_modules/vitest/vitest.mjs'), 'run', ...SUITE_PART],
      copy,
    );
    const count = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(suite.output);
    expect(count, suite.output).not.toBeNull();
    expect({ code: suite.code, failed: count![2], skipped: count![3] }, suite.output).toEqual({
      code: 0,
      failed: '0',
      skipped: '0',
    });
    expect(Number(count![1])).toBeGreaterThanOrEqual(40);
  });
});
