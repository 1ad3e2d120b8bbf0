import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnv } from './bench-env.js';

/** One line of the bench table; rows without a target are for information. */
export interface Row {
  name: string;
  ms: number;
  maxRssMb: number;
  targetMs?: number;
  targetMb?: number;
  exit: number;
  /** A further measure with its own unit and target (bytes on the wire, CPU %), shown in the last column. */
  other?: { value: number; unit: string; target?: number };
}

export interface MeasureOptions {
  targetMs?: number;
  targetMb?: number;
  runs?: number;
  /** Run the command under this prefix, e.g. `ip netns exec NS` (its own cost is counted too). */
  prefix?: string[];
  /**
   * 'wall' (default): spawn to exit, node's start-up included. 'reported': the `ms` the child writes itself, for
   * children that time only the work after loading their modules.
   */
  time?: 'wall' | 'reported';
}

/**
 * Runs `argv` (a child that writes {ms, maxRssMb, code} to the file named by BENCH_OUT) `runs` times and keeps the
 * median sample by time, with the largest peak RSS of all runs.
 */
export function measureChild(name: string, argv: string[], options: MeasureOptions = {}): Row {
  const { runs = 3, prefix = [], time = 'wall' } = options;
  const samples: { ms: number; maxRssMb: number; code: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const out = join(tmpdir(), `kg-bench-${process.pid}-${i}.json`);
    const full = [...prefix, ...argv];
    const start = performance.now();
    const r = spawnSync(full[0]!, full.slice(1), {
      env: benchEnv({ BENCH_OUT: out }),
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const wallMs = performance.now() - start;
    if (r.error) throw r.error;
    if (!existsSync(out))
      throw new Error(
        `${name}: the command died (status ${r.status}, ${r.signal ?? 'no signal'}):\n${r.stderr.slice(-2000)}`,
      );
    const reported = JSON.parse(readFileSync(out, 'utf8')) as { ms: number; maxRssMb: number; code: number };
    rmSync(out, { force: true });
    samples.push(time === 'wall' ? { ...reported, ms: wallMs } : reported);
  }
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[Math.floor(samples.length / 2)]!;
  return {
    name,
    ms: median.ms,
    maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
    targetMs: options.targetMs,
    targetMb: options.targetMb,
    exit: median.code,
  };
}

/** A whole `kuma-gitops` command, through measure.mjs (which reports peak RSS and the exit code). */
export const measureCommand = (name: string, args: string[], options: MeasureOptions = {}): Row =>
  measureChild(name, [process.execPath, 'test/bench/measure.mjs', 'dist/bin/kuma-gitops.js', ...args], options);

export function formatTable(rows: readonly Row[]): string {
  const lines = rows.map((r) => {
    const ok =
      (r.targetMs === undefined || r.ms < r.targetMs) &&
      (r.targetMb === undefined || r.maxRssMb < r.targetMb) &&
      (r.other?.target === undefined || r.other.value < r.other.target);
    const targeted = r.targetMs !== undefined || r.targetMb !== undefined || r.other?.target !== undefined;
    const verdict = targeted ? (ok ? 'ok' : 'MISSED') : 'info';
    const other = r.other
      ? `${r.other.value.toFixed(r.other.value < 10 ? 2 : 0)} ${r.other.unit}${r.other.target === undefined ? '' : ` (< ${r.other.target})`}`
      : '-';
    return `| ${r.name} | ${r.ms.toFixed(0)} | ${r.targetMs ?? '-'} | ${r.maxRssMb.toFixed(0)} | ${r.targetMb ?? '-'} | ${other} | ${r.exit} | ${verdict} |`;
  });
  return [
    '| benchmark | median ms | target ms | peak RSS MB | target MB | other | exit | verdict |',
    '|---|---:|---:|---:|---:|---|---:|---|',
    ...lines,
  ].join('\n');
}
