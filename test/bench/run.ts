import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedHosts } from '../support/fleet-generator.js';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';
import { agentRows } from './agent-bench.js';
import { benchEnv, STARTUP_VARS, startupMs } from './bench-env.js';
import { driftRows } from './drift-bench.js';
import { hostileRows } from './hostile-bench.js';
import { formatTable, measureChild, measureCommand, type Row } from './measure-child.js';
import { measureReconcileRows } from './reconcile-bench.js';
import { BENCH_KUMACTL_FLAGS, writeTproxyLive } from './tproxy-live.js';

/**
 * `npm run bench`: the issue targets, measured on whole CLI commands in a child process (wall time from spawn to
 * exit, node's own start-up included, and peak RSS), printed as a table and written to bench-results/bench.json.
 * Targets are checked here, never in tests. Rows without a target are for information.
 */
/** Validate and diff on a generated fleet of 10,004 hosts. */
function fleetRows(work: string): Row[] {
  const repo = join(work, 'fleet');
  cpSync(SAMPLE_REPO, repo, { recursive: true });
  initRepo(repo);
  const base = commitFiles(repo, generatedHosts(10_000), '10,000 generated hosts');
  const changed = Object.fromEntries(Object.entries(generatedHosts(1_000, 8081)));
  const head = commitFiles(repo, changed, '1,000 hosts move to port 8081');
  return [
    measureCommand('validate 10,004 hosts (validate+render)', ['validate', '--repo', repo, '--output', 'json'], {
      targetMs: 5_000,
      targetMb: 400,
    }),
    measureCommand(
      'diff 10,004 hosts, 1,000 changed',
      ['diff', '--repo', repo, '--base', base, '--head', head, '--output', 'markdown'],
      { targetMs: 10_000 },
    ),
  ];
}

/** `tproxy diff` of a big live ruleset. */
function tproxyRows(work: string): Row[] {
  const live = join(work, 'live.save');
  const liveRules = writeTproxyLive(live);
  return [
    measureChild(
      `tproxy diff: parse + diff of ${liveRules} live rules (50,000 foreign + Kuma's)`,
      [process.execPath, '--import', 'tsx', 'test/bench/tproxy-diff-child.ts', live, ...BENCH_KUMACTL_FLAGS],
      { time: 'reported', targetMs: 200, targetMb: 150 },
    ),
    measureCommand('tproxy diff, the same, whole CLI (node start-up and module loading included)', [
      'tproxy',
      'diff',
      '--live',
      live,
      '--',
      ...BENCH_KUMACTL_FLAGS,
    ]),
  ];
}

const GROUPS = ['fleet', 'tproxy', 'hostile', 'reconcile', 'agent', 'drift'] as const;
// `npm run bench -- reconcile` runs one group and writes bench-results/bench-reconcile.json.
const only = process.argv.slice(2);
const unknown = only.filter((g) => !(GROUPS as readonly string[]).includes(g));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown group(s) ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}\n`);
  process.exit(1);
}
const wanted = (g: (typeof GROUPS)[number]) => only.length === 0 || only.includes(g);

const set = STARTUP_VARS.filter((k) => process.env[k] !== undefined);
if (set.length > 0) {
  process.stdout.write(
    `note: ${set.join(', ')} set here; left out of every measured command (node -e '' starts in ` +
      `${startupMs(process.env).toFixed(0)} ms with, ${startupMs(benchEnv()).toFixed(0)} ms without)\n`,
  );
}

const work = mkdtempSync(join(tmpdir(), 'kg-bench-'));
try {
  const rows = [
    ...(wanted('fleet') ? fleetRows(work) : []),
    ...(wanted('tproxy') ? tproxyRows(work) : []),
    ...(wanted('hostile') ? hostileRows(work) : []),
    ...(wanted('reconcile') ? await measureReconcileRows() : []),
    ...(wanted('agent') ? await agentRows(work) : []),
    ...(wanted('drift') ? await driftRows() : []),
  ];

  process.stdout.write(`${formatTable(rows)}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/bench${only.length === 0 ? '' : `-${only.join('-')}`}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
