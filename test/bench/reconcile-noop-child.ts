/**
 * The in-process half of the reconcile benchmark, run as a child so that its RSS is its own: prepare example-server
 * once (as `apply` does), then time repeated no-op reconciles of the already applied host with that same target and
 * ports (backend detected once and reused). Writes {ms (median), maxRssMb, code, samples, parts} to BENCH_OUT,
 * `parts` being the medians of the live read's slowest pieces, each timed alone, to show where the time goes.
 * Usage: BENCH_OUT=f.json tsx test/bench/reconcile-noop-child.ts REPO NETNS|- STATE_DIR [RUNS]
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { detectIptablesBackend } from '../../src/live/iptables-backend.js';
import { readNetworkFacts } from '../../src/live/read-facts.js';
import { readNativeNft } from '../../src/live/read-nft.js';
import { readReady } from '../../src/live/read-ready.js';
import { readRules } from '../../src/live/read-rules.js';
import { prepareHost } from '../../src/reconcile/prepare-host.js';
import { type ReconcileOptions, reconcileHost } from '../../src/reconcile/reconcile-host.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { DEFAULT_HOST_POLICY } from '../../src/validate/host-policy.js';

const [repo, netnsArg, stateDir, runsText = '30'] = process.argv.slice(2);
// '-': no --netns, the process itself runs in the host's namespace (as on a real host).
const netns = netnsArg === '-' ? undefined : netnsArg;
const log = () => undefined;
const { target, ports } = await prepareHost({
  repo: repo!,
  host: 'example-server',
  netns,
  stateDir: stateDir!,
  supervisor: 'process',
  // The sandbox writes the host's files into its own folder, the state dir's parent.
  policy: { ...DEFAULT_HOST_POLICY, writeRoots: [dirname(stateDir!)] },
  log,
});
const options: ReconcileOptions = {
  target,
  ports,
  stateDir: stateDir!,
  readyTimeoutMs: 5_000,
  failPolicy: 'fail-open',
  dryRun: false,
  log,
};

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
async function timed(runs: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    out.push(performance.now() - start);
  }
  return out;
}

// The first one warms up the module graph and JIT; it is not counted.
let i = 0;
const samples = await timed(Number(runsText) + 1, async () => {
  const outcome = await reconcileHost(options);
  if (outcome.status !== 'unchanged') {
    throw new Error(`no-op reconcile ${i} was not a no-op: ${outcome.status} ${JSON.stringify(outcome.plan.steps)}`);
  }
  i++;
});
samples.shift();

const runner = createCommandRunner({ netns });
const backend = await detectIptablesBackend(runner);
const parts = {
  liveRead: median(await timed(10, () => ports.readLive())),
  readyProbe: median(await timed(10, () => readReady(runner, target.kumaDp.readiness))),
  rules: median(await timed(10, () => readRules(runner, backend))),
  networkFacts: median(await timed(10, () => readNetworkFacts(runner))),
  nativeNft: median(await timed(10, () => readNativeNft(runner))),
};
samples.sort((a, b) => a - b);
writeFileSync(
  process.env.BENCH_OUT!,
  JSON.stringify({
    ms: samples[Math.floor(samples.length / 2)],
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    code: 0,
    samples: { min: samples[0], max: samples.at(-1), n: samples.length },
    parts,
  }),
);
