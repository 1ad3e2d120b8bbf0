/**
 * The reconcile benchmarks of issue 4, on a sandbox host (two network namespaces, the stand-in kuma-dp, real
 * iptables) after one `apply`: a no-op reconcile inside one process (reconcile-noop-child.ts, target < 50 ms) and
 * `kuma-gitops plan` as a whole command (target < 500 ms). Needs root; skipped otherwise.
 *
 * The targeted rows run the way kuma-gitops runs on a real host: the process itself sits in the host namespace
 * (`ip netns exec NS node ...`, no `--netns`), so commands run directly, files are read in-process and `/ready`
 * is asked in-process. The same with `--netns` (the test harness's mode, where every command goes through
 * `ip netns exec` and `/ready` through a probe process in the namespace) is shown for information.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../support/sandbox.js';
import { benchEnv } from './bench-env.js';
import { measureCommand, type Row } from './measure-child.js';

interface NoopSample {
  ms: number;
  maxRssMb: number;
  code: number;
  parts: Record<string, number>;
}

/** The child runs inside `hostNs` as on a host, or (viaNetnsFlag) outside it with `--netns`. */
function measureNoopReconcile(repo: string, hostNs: string, stateDir: string, viaNetnsFlag: boolean): NoopSample {
  const out = join(tmpdir(), `kg-bench-reconcile-${process.pid}.json`);
  const runs = '30';
  const child = [
    '--import',
    'tsx',
    'test/bench/reconcile-noop-child.ts',
    repo,
    viaNetnsFlag ? hostNs : '-',
    stateDir,
    runs,
  ];
  const argv = viaNetnsFlag
    ? [process.execPath, ...child]
    : ['ip', 'netns', 'exec', hostNs, process.execPath, ...child];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: benchEnv({ BENCH_OUT: out }),
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`no-op reconcile: the child failed (status ${r.status}):\n${r.stderr.slice(-2000)}`);
  const sample = JSON.parse(readFileSync(out, 'utf8')) as NoopSample;
  rmSync(out, { force: true });
  return sample;
}

const describeParts = (parts: Record<string, number>) =>
  Object.entries(parts)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');

/** The four rows, plus lines on stdout that say where the no-op reconcile's time goes. */
export async function measureReconcileRows(): Promise<Row[]> {
  if (process.getuid?.() !== 0) {
    process.stdout.write('reconcile benchmarks skipped: they need root (network namespaces, iptables)\n');
    return [];
  }
  const sb = await createSandbox({ name: 'bench' });
  try {
    const apply = await sb.cli(['apply']);
    if (apply.code !== 0) throw new Error(`bench sandbox: apply exited ${apply.code}:\n${apply.stderr}`);
    const host = measureNoopReconcile(sb.repo, sb.hostNs, sb.stateDir, false);
    const harness = measureNoopReconcile(sb.repo, sb.hostNs, sb.stateDir, true);
    process.stdout.write(
      `no-op reconcile as on a host, pieces timed alone (median ms): ${describeParts(host.parts)}\n`,
    );
    process.stdout.write(`no-op reconcile with --netns, pieces (median ms): ${describeParts(harness.parts)}\n`);
    const flags = [
      '--repo',
      sb.repo,
      '--host',
      'example-server',
      '--state-dir',
      sb.stateDir,
      '--allow-write-root',
      sb.dir,
    ];
    const noopRow = (name: string, s: NoopSample, targetMs?: number): Row => ({
      name,
      ms: s.ms,
      maxRssMb: s.maxRssMb,
      targetMs,
      exit: s.code,
    });
    return [
      noopRow('no-op reconcile (in sync), one process, as on a host (inside the sandbox host namespace)', host, 50),
      noopRow('the same with --netns (test harness mode)', harness),
      measureCommand(
        'kuma-gitops plan (in sync), whole command, as on a host (inside the sandbox host namespace)',
        ['plan', ...flags],
        {
          targetMs: 500,
          runs: 7,
          prefix: ['ip', 'netns', 'exec', sb.hostNs],
        },
      ),
      measureCommand('the same with --netns (test harness mode)', ['plan', ...flags, '--netns', sb.hostNs], {
        runs: 7,
      }),
    ];
  } finally {
    await sb.cleanup();
  }
}
