import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedHosts } from '../support/fleet-generator.js';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';
import { measureReconcileRows } from './reconcile-bench.js';
import { measureTproxyDiffInProcess } from './tproxy-diff-case.js';
import { BENCH_KUMACTL_FLAGS, writeTproxyLive } from './tproxy-live.js';

/**
 * `npm run bench`: the issue targets, measured on whole CLI commands in a child process (wall time and peak RSS),
 * printed as a table and written to bench-results/bench.json. Targets are checked here, never in tests.
 */
interface Row {
  name: string;
  ms: number;
  maxRssMb: number;
  targetMs: number;
  targetMb?: number;
  exit: number;
}

function measure(name: string, args: string[], targetMs: number, targetMb?: number, runs = 3): Row {
  const samples: { ms: number; maxRssMb: number; code: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const out = join(tmpdir(), `kg-bench-${process.pid}-${i}.json`);
    const r = spawnSync(process.execPath, ['test/bench/measure.mjs', 'dist/cli.js', ...args], {
      env: { ...process.env, BENCH_OUT: out },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (r.error) throw r.error;
    if (!existsSync(out))
      throw new Error(
        `${name}: the command died (status ${r.status}, ${r.signal ?? 'no signal'}):\n${r.stderr.slice(-2000)}`,
      );
    samples.push(JSON.parse(readFileSync(out, 'utf8')));
    rmSync(out, { force: true });
  }
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[Math.floor(samples.length / 2)]!;
  return {
    name,
    ms: median.ms,
    maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
    targetMs,
    targetMb,
    exit: median.code,
  };
}

const work = mkdtempSync(join(tmpdir(), 'kg-bench-'));
try {
  const repo = join(work, 'fleet');
  cpSync(SAMPLE_REPO, repo, { recursive: true });
  initRepo(repo);
  const base = commitFiles(repo, generatedHosts(10_000), '10,000 generated hosts');
  const changed = Object.fromEntries(Object.entries(generatedHosts(1_000, 8081)));
  const head = commitFiles(repo, changed, '1,000 hosts move to port 8081');

  const live = join(work, 'live.save');
  const liveRules = writeTproxyLive(live);
  const rows = [
    measure('validate 10,004 hosts (validate+render)', ['validate', '--repo', repo, '--output', 'json'], 5_000, 400),
    measure(
      'diff 10,004 hosts, 1,000 changed',
      ['diff', '--repo', repo, '--base', base, '--head', head, '--output', 'markdown'],
      10_000,
    ),
    measureTproxyDiffInProcess(
      `tproxy diff: parse + diff of ${liveRules} live rules (50,000 foreign + Kuma's)`,
      live,
      200,
      150,
    ),
    measure(
      'tproxy diff, the same, whole CLI (module loading included)',
      ['tproxy', 'diff', '--live', live, '--', ...BENCH_KUMACTL_FLAGS],
      200,
      150,
    ),
    ...(await measureReconcileRows(measure)),
  ];

  const table = [
    '| benchmark | median ms | target ms | peak RSS MB | target MB | exit | verdict |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const ok = r.ms < r.targetMs && (r.targetMb === undefined || r.maxRssMb < r.targetMb);
      return `| ${r.name} | ${r.ms.toFixed(0)} | ${r.targetMs} | ${r.maxRssMb.toFixed(0)} | ${r.targetMb ?? '-'} | ${r.exit} | ${ok ? 'ok' : 'MISSED'} |`;
    }),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/bench.json',
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
  );
  process.stdout.write('wrote bench-results/bench.json\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
