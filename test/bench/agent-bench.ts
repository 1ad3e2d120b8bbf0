/**
 * The agent's benchmarks (issue 10), against Debian's `git http-backend` on 127.0.0.1:
 * - commit to applied with a 1 s poll, median over 10 rules-only commits (no kuma-dp restart), on a sandbox host;
 * - one poll when nothing changed: time and bytes on the wire (request and response, headers included);
 * - an idle agent at a 10 s poll for 60 s: CPU share and resident memory;
 * - the first sync of a 10,000-host repository against `git clone --bare --single-branch` of the same server.
 * Needs root for the sandbox rows; skipped otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openGitSource } from '../../src/agent/git-source.js';
import { followRepo } from '../support/agent-follow.js';
import { generatedHosts } from '../support/fleet-generator.js';
import { startGitServer } from '../support/git-http-server.js';
import { commitFiles, git, initRepo } from '../support/git-repo.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';
import { createSandbox } from '../support/sandbox.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { benchEnv } from './bench-env.js';
import { measureChild, type Row } from './measure-child.js';

/** The NODE_OPTIONS deploy/kuma-gitops-agent.service runs the agent with: the benchmarks measure it as deployed. */
function unitNodeOptions(): string[] {
  const unit = readFileSync('deploy/kuma-gitops-agent.service', 'utf8');
  return /^Environment="NODE_OPTIONS=(.*)"$/m.exec(unit)?.[1]?.split(' ') ?? [];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process in ms, and its resident memory now and at peak in MB. */
function procUsage(pid: number): { cpuMs: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  // USER_HZ is 100 on Linux.
  return { cpuMs: ticks * 10, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

export async function agentRows(work: string): Promise<Row[]> {
  const rows = [...(await pollRow(work)), ...(await firstSyncRows(work))];
  if (process.getuid?.() !== 0) {
    process.stdout.write('agent sandbox benchmarks skipped: they need root (network namespaces, iptables)\n');
    return rows;
  }
  return [...(await sandboxRows()), ...rows];
}

async function sandboxRows(): Promise<Row[]> {
  const sb = await createSandbox({ name: 'bench-agent' });
  const f = await followRepo({ repo: sb.repo, dir: sb.dir, netns: sb.hostNs, stateDir: sb.stateDir });
  const lastGood = () => {
    try {
      return (
        JSON.parse(readFileSync(join(sb.stateDir, 'agent', 'state.json'), 'utf8')) as { lastGood?: { commit: string } }
      ).lastGood?.commit;
    } catch {
      return undefined;
    }
  };
  const until = async (holds: () => boolean, limitMs = 120_000) => {
    const start = performance.now();
    while (!holds()) {
      if (performance.now() - start > limitMs) throw new Error('agent bench: timed out waiting for the agent');
      await sleep(10);
    }
  };
  try {
    const env = { NODE_OPTIONS: unitNodeOptions().join(' ') };
    let agent = f.start(env);
    await until(() => lastGood() !== undefined);
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      // Rules only: an outbound port excluded or not; kuma-dp is not restarted.
      const commit = f.commit(
        { 'tproxy/fleet.yaml': `${fleetTproxy({ outboundExcludePorts: i % 2 === 0 ? [5432] : [] })}` },
        `rules ${i}`,
      );
      const start = performance.now();
      await until(() => lastGood() === commit);
      samples.push(performance.now() - start);
    }
    const applied: Row = {
      name: 'agent: commit to applied, 1 s poll, rules-only change (median of 10)',
      ms: median(samples),
      maxRssMb: 0,
      targetMs: 2500,
      exit: 0,
    };
    process.stdout.write(`agent commit-to-applied samples (ms): ${samples.map((s) => s.toFixed(0)).join(', ')}\n`);

    agent.child.kill('SIGTERM');
    await agent.done;
    f.writeConfig({ pollInterval: '10s' });
    agent = f.start(env);
    await sleep(5_000); // start-up and the first sync done
    const before = procUsage(agent.child.pid!);
    await sleep(60_000);
    const after = procUsage(agent.child.pid!);
    const cpuPercent = ((after.cpuMs - before.cpuMs) / 60_000) * 100;
    const idle: Row = {
      name: 'agent: idle 60 s at a 10 s poll (RSS at the end; CPU share in other)',
      ms: after.cpuMs - before.cpuMs,
      maxRssMb: after.rssMb,
      targetMb: 80,
      exit: 0,
      other: { value: cpuPercent, unit: '% CPU', target: 1 },
    };
    process.stdout.write(
      `idle agent: VmRSS ${after.rssMb.toFixed(1)} MB, VmHWM ${after.hwmMb.toFixed(1)} MB, CPU ${(after.cpuMs - before.cpuMs).toFixed(0)} ms in 60 s\n`,
    );
    return [applied, idle];
  } finally {
    await f.close();
    await sb.cleanup();
  }
}

/** 20 polls of an unchanged branch, in process: the median time, and the bytes on the wire of one. */
async function pollRow(work: string): Promise<Row[]> {
  const repo = join(work, 'poll-repo');
  cpSync(SAMPLE_REPO, repo, { recursive: true });
  initRepo(repo);
  commitFiles(repo, {}, 'sample');
  const served = join(work, 'poll-served');
  mkdirSync(served);
  git(work, 'clone', '-q', '--bare', repo, join(served, 'mesh.git'));
  const server = await startGitServer({ root: served, auth: { username: 'x-access-token', password: 't' } });
  try {
    const source = await openGitSource({
      stateDir: join(work, 'poll-state'),
      url: `${server.url}/mesh.git`,
      branch: 'main',
      authorization: `Basic ${Buffer.from('x-access-token:t').toString('base64')}`,
      timeoutMs: 10_000,
    });
    await source.fetch((await source.remoteHead())!);
    const times: number[] = [];
    const wire = source.http!.counters.wireBytes;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await source.remoteHead();
      times.push(performance.now() - start);
    }
    const perPoll = (source.http!.counters.wireBytes - wire) / 20;
    return [
      {
        name: 'agent: one poll, nothing changed (median of 20, in process; bytes on the wire in other)',
        ms: median(times),
        maxRssMb: 0,
        targetMs: 30,
        exit: 0,
        other: { value: perPoll, unit: 'B', target: 1024 },
      },
    ];
  } finally {
    await server.close();
  }
}

/** The first sync of 10,000 hosts: the git CLI's bare single-branch clone, then the agent's source in a child. */
async function firstSyncRows(work: string): Promise<Row[]> {
  const repo = join(work, 'big-repo');
  cpSync(SAMPLE_REPO, repo, { recursive: true });
  initRepo(repo);
  commitFiles(repo, generatedHosts(10_000), '10,000 generated hosts');
  const served = join(work, 'big-served');
  mkdirSync(served);
  git(work, 'clone', '-q', '--bare', repo, join(served, 'mesh.git'));
  const server = spawn(process.execPath, ['--import', 'tsx', 'test/bench/git-server-child.ts', served], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      server.once('exit', (code) => reject(new Error(`git server child exited ${code}`)));
    });
    const url = `${base}/mesh.git`;
    const clones: number[] = [];
    for (let i = 0; i < 3; i++) {
      const dest = join(work, `git-clone-${i}`);
      const start = performance.now();
      const r = spawnSync('git', ['clone', '-q', '--bare', '--single-branch', '--branch', 'main', url, dest], {
        env: benchEnv({ GIT_CONFIG_NOSYSTEM: '1' }),
      });
      if (r.status !== 0) throw new Error(`git clone failed: ${r.stderr}`);
      clones.push(performance.now() - start);
      rmSync(dest, { recursive: true, force: true });
    }
    const gitMs = median(clones);
    // As deployed: deploy/kuma-gitops-agent.service runs node with these flags (NODE_OPTIONS).
    const unitFlags = unitNodeOptions();
    const sync = (flags: string[]) => [process.execPath, ...flags, 'test/bench/agent-sync-child.mjs', url];
    return [
      { name: 'git clone --bare --single-branch of the same repository (git CLI)', ms: gitMs, maxRssMb: 0, exit: 0 },
      measureChild(
        `agent: first sync of a 10,000-host repository, node ${unitFlags.join(' ')} as in the unit (target 3x the clone)`,
        sync(unitFlags),
        { targetMs: Math.round(3 * gitMs), targetMb: 150 },
      ),
      measureChild("the same with node's default flags", sync([])),
    ];
  } finally {
    server.stdin!.end();
    server.kill();
  }
}
