/**
 * The reconcile benchmarks of issue 4, on a sandbox host (two network namespaces, the stand-in kuma-dp, real
 * iptables) after one `apply`: a no-op reconcile inside one process (reconcile-noop-child.ts, target < 50 ms) and
 * `kuma-gitops plan` as a whole command (run.ts's measure(), target < 500 ms). Needs root; skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../support/sandbox.js';

/** run.ts's row shape. */
export interface BenchRow {
  name: string;
  ms: number;
  maxRssMb: number;
  targetMs: number;
  targetMb?: number;
  exit: number;
}

export type MeasureCommand = (
  name: string,
  args: string[],
  targetMs: number,
  targetMb?: number,
  runs?: number,
) => BenchRow;

interface NoopSample {
  ms: number;
  maxRssMb: number;
  code: number;
  parts: Record<string, number>;
}

function measureNoopReconcile(repo: string, netns: string, stateDir: string): NoopSample {
  const out = join(tmpdir(), `kg-bench-reconcile-${process.pid}.json`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'test/bench/reconcile-noop-child.ts', repo, netns, stateDir, '30'],
    { env: { ...process.env, BENCH_OUT: out }, encoding: 'utf8' },
  );
  if (r.status !== 0)
    throw new Error(`no-op reconcile: the child failed (status ${r.status}):\n${r.stderr.slice(-2000)}`);
  const sample = JSON.parse(readFileSync(out, 'utf8')) as NoopSample;
  rmSync(out, { force: true });
  return sample;
}

/** Both rows, plus one line on stdout that says where the no-op reconcile's time goes. */
export async function measureReconcileRows(measure: MeasureCommand): Promise<BenchRow[]> {
  if (process.getuid?.() !== 0) {
    process.stdout.write('reconcile benchmarks skipped: they need root (network namespaces, iptables)\n');
    return [];
  }
  const sb = await createSandbox({ name: 'bench' });
  try {
    const apply = await sb.cli(['apply']);
    if (apply.code !== 0) throw new Error(`bench sandbox: apply exited ${apply.code}:\n${apply.stderr}`);
    const noop = measureNoopReconcile(sb.repo, sb.hostNs, sb.stateDir);
    const parts = Object.entries(noop.parts)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ');
    process.stdout.write(`no-op reconcile, pieces timed alone (median ms): ${parts}\n`);
    const flags = ['--repo', sb.repo, '--host', 'example-server', '--netns', sb.hostNs, '--state-dir', sb.stateDir];
    return [
      {
        name: 'no-op reconcile (in sync), one process, sandbox host',
        ms: noop.ms,
        maxRssMb: noop.maxRssMb,
        targetMs: 50,
        exit: noop.code,
      },
      measure('kuma-gitops plan (in sync), whole command, sandbox host', ['plan', ...flags], 500, undefined, 7),
    ];
  } finally {
    await sb.cleanup();
  }
}
