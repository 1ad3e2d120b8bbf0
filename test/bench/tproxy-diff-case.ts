/**
 * The in-process half of the `tproxy diff` benchmark: parse + diff of the big live ruleset without the CLI's
 * start-up (module loading), median of three child processes, in the shape of run.ts's rows.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnv } from './bench-env.js';
import { BENCH_KUMACTL_FLAGS } from './tproxy-live.js';

export function measureTproxyDiffInProcess(name: string, live: string, targetMs: number, targetMb: number) {
  const samples = [0, 1, 2].map((i) => {
    const out = join(tmpdir(), `kg-bench-tproxy-${process.pid}-${i}.json`);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/bench/tproxy-diff-child.ts', live, ...BENCH_KUMACTL_FLAGS],
      {
        env: benchEnv({ BENCH_OUT: out }),
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`${name}: the child failed (status ${r.status}):\n${r.stderr.slice(-2000)}`);
    const sample = JSON.parse(readFileSync(out, 'utf8')) as { ms: number; maxRssMb: number; code: number };
    rmSync(out, { force: true });
    return sample;
  });
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[1]!;
  return {
    name,
    ms: median.ms,
    maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
    targetMs,
    targetMb,
    exit: median.code,
  };
}
