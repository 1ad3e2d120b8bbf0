/**
 * The drift watch's benchmarks (issue 11), on sandbox hosts with a running agent:
 * - the Kuma chains flushed (iptables -t nat -F) to the rules verified back in place, nft (events), median of 20;
 * - the same on iptables-legacy (polling every 2 s here): under the poll interval + 1 s;
 * - kuma-dp killed to ready again, next to the stand-in's own start time;
 * - a storm of 10,000 foreign rule changes in about 10 s: how many re-checks it caused (one per debounce window,
 *   not one per event), read from the agent's kuma_gitops_drift_checks_total.
 * The watch's idle cost is the idle agent row of the agent group (the watch runs there). Needs root.
 */
import { liveProcesses } from '../../src/supervisor/proc-table.js';
import { followRepo } from '../support/agent-follow.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import type { Backend } from '../support/world/iptables.js';
import type { Row } from './measure-child.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(holds: () => Promise<boolean> | boolean, limitMs = 60_000): Promise<number> {
  const start = performance.now();
  while (!(await holds())) {
    if (performance.now() - start > limitMs) throw new Error('drift bench: timed out');
    await sleep(5);
  }
  return performance.now() - start;
}

/** A sandbox host followed by a running agent, once its first revision is applied and watched. */
async function watchedHost(backend: Backend, checkInterval: string) {
  const sb = await createSandbox({ name: `bench-drift-${backend}`, backend });
  const f = await followRepo({ repo: sb.repo, dir: sb.dir, netns: sb.hostNs, stateDir: sb.stateDir });
  f.writeConfig({ extra: `drift:\n  checkInterval: ${checkInterval}\n  maxHeals: 1000\n` });
  const agent = f.start();
  await until(() => agent.output().includes('"msg":"watching for drift"'), 120_000);
  const kumaRules = async () =>
    (await sb.save('ipv4')).split('\n').filter((l) => l.startsWith('-A KUMA_MESH_INBOUND ')).length;
  const full = await kumaRules();
  const metricsUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(agent.output())?.[1];
  return {
    sb,
    agent,
    /** Flush the nat table; ms until the Kuma rules are all back. */
    async flushRepaired(): Promise<number> {
      const r = await sb.iptables('ipv4', ['-t', 'nat', '-F']);
      if (r.code !== 0) throw new Error(r.stderr);
      return until(async () => (await kumaRules()) === full);
    },
    async checks(): Promise<number> {
      const text = await (await fetch(metricsUrl!)).text();
      return Number(/^kuma_gitops_drift_checks_total (\d+)/m.exec(text)?.[1] ?? 0);
    },
    async close() {
      await f.close();
      await sb.cleanup();
    },
  };
}

export async function driftRows(): Promise<Row[]> {
  if (process.getuid?.() !== 0) {
    process.stdout.write('drift benchmarks skipped: they need root (network namespaces, iptables)\n');
    return [];
  }
  const rows: Row[] = [];
  const nft = await watchedHost('nft', '30s');
  try {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      samples.push(await nft.flushRepaired());
      await sleep(300);
    }
    process.stdout.write(`drift flush->repaired (nft) samples (ms): ${samples.map((s) => s.toFixed(0)).join(', ')}\n`);
    rows.push({
      name: 'drift: nat flushed to rules back in place, nft events (median of 20)',
      ms: median(samples),
      maxRssMb: 0,
      targetMs: 1000,
      exit: 0,
    });

    const kill = await killToReady(nft.sb);
    rows.push({
      name: 'drift: kuma-dp killed to ready again (target: the stand-in start time in other + 1 s)',
      ms: kill.ms,
      maxRssMb: 0,
      targetMs: kill.standinMs + 1000,
      exit: 0,
      other: { value: kill.standinMs, unit: 'ms stand-in start' },
    });

    const before = await nft.checks();
    const started = performance.now();
    await foreignStorm(nft.sb);
    const stormMs = performance.now() - started;
    await sleep(1000);
    const checks = (await nft.checks()) - before;
    rows.push({
      name: `drift: 10,000 foreign rule changes in ${(stormMs / 1000).toFixed(1)} s (re-checks in other; no drift)`,
      ms: stormMs,
      maxRssMb: 0,
      exit: 0,
      other: { value: checks, unit: 're-checks', target: 100 },
    });
  } finally {
    await nft.close();
  }
  const legacy = await watchedHost('legacy', '2s');
  try {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push(await legacy.flushRepaired());
    process.stdout.write(
      `drift flush->repaired (legacy, 2 s polling) samples (ms): ${samples.map((s) => s.toFixed(0)).join(', ')}\n`,
    );
    rows.push({
      name: 'drift: nat flushed to rules back, iptables-legacy, 2 s polling (median of 5; target poll + 1 s)',
      ms: median(samples),
      maxRssMb: 0,
      targetMs: 3000,
      exit: 0,
    });
  } finally {
    await legacy.close();
  }
  return rows;
}

/** kill -9 kuma-dp; ms until GET /ready answers 200 again, and the stand-in's own start to ready. */
async function killToReady(sb: Sandbox): Promise<{ ms: number; standinMs: number }> {
  const ready = async () => (await sb.probe('host', ['http', '127.0.0.1', '9902', '/ready'])).status === 200;
  await until(ready);
  const [standin] = await liveProcesses(
    (p) => p.argv[0] !== 'runuser' && p.argv.some((a) => a.startsWith('--dataplane-file=') && a.includes(sb.dir)),
  );
  if (!standin) throw new Error('drift bench: no kuma-dp found');
  const pid = standin.pid;
  const start = performance.now();
  process.kill(pid, 'SIGKILL');
  await until(async () => !(await ready()));
  await until(ready);
  // The stand-in binds its listeners and then waits KUMA_STANDIN_READY_AFTER_MS (200 ms by default) before ready.
  return { ms: performance.now() - start, standinMs: 200 };
}

/** 10 batches of 1,000 foreign rules in a chain of their own, one batch a second, each a separate change. */
async function foreignStorm(sb: Sandbox): Promise<void> {
  await sb.iptables('ipv4', ['-t', 'filter', '-N', 'BENCH-STORM']);
  for (let b = 0; b < 10; b++) {
    const lines = ['*filter'];
    for (let i = 0; i < 1000; i++) lines.push(`-A BENCH-STORM -s 10.${b}.${i >> 8}.${i & 255}/32 -j RETURN`);
    lines.push('COMMIT', '');
    const r = await sb.inHost(
      [sb.backend === 'nft' ? 'iptables-nft-restore' : 'iptables-legacy-restore', '--noflush'],
      { input: lines.join('\n') },
    );
    if (r.code !== 0) throw new Error(r.stderr);
    await sleep(1000);
  }
}
