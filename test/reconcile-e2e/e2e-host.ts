/**
 * A throw-away "host" for the reconcile acceptance tests: a host and a peer network namespace joined by a veth pair
 * (10.77.0.1 and 10.77.0.2), the host's resolv.conf naming the peer, a copy of the sample repo whose example-server
 * runs the stand-in kuma-dp with its token, Dataplane and tproxy files under a 0755 temp dir, and a state dir. The
 * backend kumactl would pick is forced the way kumactl decides it: a namespace whose legacy tables hold rules (and
 * nft ones none) is a legacy host; a fresh one is an nft host. Everything runs through argument arrays.
 *
 * Global things and why they are safe to share between test files running in parallel:
 * - the kuma-dp user (uid 5678): created once if missing (under a file lock), never deleted;
 * - /run/xtables.lock: one test holds it on purpose; every CLI run and every legacy restore of these tests takes a
 *   shared lock on COORD first, and that test takes it exclusively, so it never starves another e2e test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createNetns, netnsUnavailableReason, removeLeftoverNetns } from '../support/netns.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/bin/kuma-gitops.js');
export const STANDIN = join(ROOT, 'test/standin/kuma-dp.mjs');
export const PROBE = join(ROOT, 'test/standin/probe.mjs');
export const HOST_NAME = 'example-server';
export const HOST_ADDRESS = '10.77.0.1';
export const PEER_ADDRESS = '10.77.0.2';
export const KUMA_DP_UID = 5678;
export const BACKENDS = ['nft', 'legacy'] as const;
export type Backend = (typeof BACKENDS)[number];
export type Family = 'ipv4' | 'ipv6';

/** Shared by every CLI run and legacy restore of these tests; taken exclusively by the xtables-lock test. */
export const COORD = join(tmpdir(), 'kgtest-e2e-xtables.coord');
const USER_LOCK = join(tmpdir(), 'kgtest-e2e-users.lock');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never rejects on a non-zero exit (the tests assert on it). */
export function exec(
  argv: readonly string[],
  o: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

/** Like exec, but a non-zero exit is an error of the test setup. */
export async function must(argv: readonly string[], input?: string): Promise<string> {
  const r = await exec(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Holds a flock on `file` (shared or exclusive) until release() is called. */
export async function holdFlock(args: readonly string[]): Promise<{ child: ChildProcess; release(): Promise<void> }> {
  const child = spawn('flock', [...args, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock ${args.join(' ')} exited with ${code} before locking`)));
  });
  return {
    child,
    release: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

export async function withSharedCoord<T>(fn: () => Promise<T>): Promise<T> {
  const held = await holdFlock(['-s', COORD]);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}

/** The kuma-dp user of the guide (uid 5678), created once if missing; shared by all tests and never deleted. */
export async function ensureKumaDpUser(): Promise<void> {
  if ((await exec(['getent', 'passwd', 'kuma-dp'])).code === 0) return;
  const r = await exec([
    'flock',
    USER_LOCK,
    'sh',
    '-c',
    'getent passwd kuma-dp >/dev/null || useradd -u 5678 -U -M -d /nonexistent -s /usr/sbin/nologin kuma-dp',
  ]);
  if (r.code !== 0) throw new Error(`cannot create the kuma-dp user: ${r.stderr}`);
}

/** A throw-away user (`kgtest<hex>`), with a uid that is free now; remove it with removeUser. */
export async function throwAwayUser(prefix = 'kgt'): Promise<{ name: string; uid: number }> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  const taken = new Set(
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => Number(l.split(':')[2])),
  );
  let uid = 47_000 + Math.floor(Math.random() * 2000);
  while (taken.has(uid)) uid++;
  await must(['flock', USER_LOCK, 'useradd', '-u', String(uid), '-U', '-M', '-d', '/nonexistent', name]);
  return { name, uid };
}

export async function removeUser(name: string): Promise<void> {
  if ((await exec(['getent', 'passwd', name])).code !== 0) return;
  await must(['flock', USER_LOCK, 'userdel', name]);
  // userdel removes the user's own group with it; a group left without its user would still be a leftover.
  if ((await exec(['getent', 'group', name])).code === 0) await exec(['flock', USER_LOCK, 'groupdel', name]);
}

/** Processes (pids) whose command line contains `needle`: our kuma-dp, found by its unique file paths. */
export function processesWith(needle: string): { pid: number; uid: number; argv: string[] }[] {
  const found: { pid: number; uid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (!argv.some((a) => a.includes(needle))) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      found.push({ pid: Number(entry), uid, argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** `apply --output json`: the outcome and its plan. */
export interface Outcome {
  status: string;
  plan: { steps: { kind: string; reason: string }[] };
  recovered?: string;
  error?: string;
}

export const stepKinds = (r: Result): string[] => (JSON.parse(r.stdout) as Outcome).plan.steps.map((s) => s.kind);

/** The host's facts as `tproxy diff` takes them: what kumactl finds in the namespace (IPv6 on: link-local). */
export async function factsFile(h: E2eHost, users: Record<string, number>): Promise<string> {
  const path = join(h.dir, `facts-${randomBytes(4).toString('hex')}.json`);
  await writeFile(
    path,
    JSON.stringify({ loopbackInterface: 'lo', dnsServers: [PEER_ADDRESS], ipv6: true, users: { root: 0, ...users } }),
  );
  return path;
}

/** `tproxy diff` of the namespace's live rules against the effective tproxy config apply wrote. */
export async function tproxyDiff(h: E2eHost, family: Family, facts: string): Promise<Result> {
  const live = join(h.dir, `${family}-${randomBytes(4).toString('hex')}.save`);
  await writeFile(live, await h.save(family));
  return exec([
    process.execPath,
    CLI,
    'tproxy',
    'diff',
    '--live',
    live,
    '--facts',
    facts,
    '--family',
    family,
    '--config',
    h.files.tproxy,
  ]);
}

// --- iptables-save views ----------------------------------------------------------------------------------------

/** `*-save` without `#` lines and without counters: what must stay byte-identical. */
export function normalized(save: string): string {
  return save
    .split('\n')
    .filter((l) => !l.startsWith('#') && l !== '')
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');
}

const EMPTY_BUILT_IN = /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT$/;

/**
 * normalized(), without tables that hold nothing but default-ACCEPT built-in chains: reading a legacy host loads
 * empty tables into the kernel (kumactl's own detection does the same, REFERENCE §8.14), and an install may create
 * an empty table; neither is a rule anybody has.
 */
export function rulesView(save: string): string {
  const tables = normalized(save).split(/(?=^\*)/m);
  return tables
    .filter((t) => {
      const lines = t.split('\n').filter((l) => l !== '' && !l.startsWith('*') && l !== 'COMMIT');
      return !lines.every((l) => EMPTY_BUILT_IN.test(l));
    })
    .join('');
}

const BUILT_IN_RULE = /^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) /;
/**
 * Ours: the kuma comment, our chains and their rules, and jumps into them from built-in chains. A jump into our
 * chains from another tool's chain is that tool's (kumactl never writes there).
 */
const isOwnedLine = (line: string) =>
  line.includes('kuma/mesh/transparent/proxy') ||
  line.startsWith(':KUMA_MESH') ||
  line.startsWith('-A KUMA_MESH') ||
  (BUILT_IN_RULE.test(line) && line.includes('KUMA_MESH'));

/**
 * The foreign part of a ruleset per table: everything that is not Kuma's (chain declarations with policies, rules
 * in order), counters stripped. A table that holds nothing but default-ACCEPT built-in chains is left out: our
 * install may create the raw table, which is not a change to anybody's rules.
 */
export function foreignView(save: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let table = '';
  for (const line of normalized(save).split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      out[table] = [];
    } else if (line !== 'COMMIT' && !isOwnedLine(line)) out[table]!.push(line);
  }
  for (const [name, lines] of Object.entries(out)) {
    if (lines.every((l) => EMPTY_BUILT_IN.test(l))) delete out[name];
  }
  return out;
}

/** Kuma's lines only, per table, in order: to show a rule set did (or did not) change. */
export function ownedLines(save: string): string[] {
  return normalized(save)
    .split('\n')
    .filter((l) => isOwnedLine(l));
}

// --- the host ---------------------------------------------------------------------------------------------------

export interface HostOptions {
  /** Dataplane vars; defaults to the guide's example with the host's address. */
  vars?: Record<string, string | number>;
  /** kuma-dp environment on top of the stand-in's listen addresses. */
  env?: Record<string, string>;
  /** More kumaDp settings (user, uid, tokenFile, ...). */
  kumaDp?: Record<string, unknown>;
  serviceUser?: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Run as this user (runuser) instead of root. */
  user?: string;
  /** Another --host than example-server. */
  host?: string;
  /** Put this in front of the node command line (e.g. a private mount namespace). */
  wrapper?: string[];
  /** false: do not take the shared COORD lock (the xtables-lock test holds it exclusively). */
  coord?: boolean;
  /**
   * Run as on a real host: the CLI itself inside the host namespace (`ip netns exec`), without `--netns`, so it
   * runs commands directly, reads files in-process and asks `/ready` in-process.
   */
  asOnHost?: boolean;
}

export interface E2eHost {
  backend: Backend;
  netns: string;
  peerNetns: string;
  dir: string;
  repo: string;
  stateDir: string;
  files: { token: string; dataplane: string; tproxy: string; pid: string };
  options: HostOptions;
  /** Rewrites hosts/example-server.yaml from `options` (merged into the current ones). */
  setHost(update: HostOptions): Promise<void>;
  writeRepoFile(path: string, text: string): Promise<void>;
  /** `node dist/bin/kuma-gitops.js <command> --repo --host --netns --state-dir <args>`, as root unless `user` is given. */
  cli(command: string, args?: string[], o?: CliOptions): Promise<Result>;
  apply(args?: string[], env?: Record<string, string>): Promise<Result>;
  plan(args?: string[]): Promise<Result>;
  inHost(argv: string[], o?: { user?: string }): Promise<Result>;
  inPeer(argv: string[], o?: { user?: string }): Promise<Result>;
  /** probe.mjs in the host (or peer) namespace, as `user`; its JSON line. */
  probe(where: 'host' | 'peer', args: string[], user?: string): Promise<ProbeResult>;
  /** A TCP server in a namespace answering every connection with `text` (then closing). */
  listen(where: 'host' | 'peer', address: string, port: number, text: string): Promise<void>;
  save(family: Family): Promise<string>;
  /** `*-restore --noflush` of the host's backend in the host namespace (foreign rules). */
  restore(family: Family, payload: string): Promise<void>;
  /** The pid in <state-dir>/example-server/kuma-dp.pid, if any. */
  pidFile(): number | undefined;
  /** The stand-in processes of this host (node, run by runuser), found by the host's unique Dataplane path. */
  kumaDpProcesses(): { pid: number; uid: number; argv: string[] }[];
  /** GET /ready inside the host namespace. */
  ready(): Promise<ProbeResult>;
  /** Runs `fn` during cleanup, after this host's processes are gone (e.g. removing a user they ran as). */
  onCleanup(fn: () => Promise<void>): void;
  /** Idempotent; every step runs even when an earlier one fails. */
  cleanup(): Promise<void>;
}

export interface ProbeResult {
  ok: boolean;
  text?: string;
  status?: number;
  body?: string;
  error?: string;
  answers?: { type: number; data: string }[];
}

/**
 * Marks a legacy host the way kumactl tells (REFERENCE §3.2): its legacy nat, raw or mangle table holds rules, its nft
 * ones none. A foreign chain in mangle, a table our rules never touch.
 */
const LEGACY_MARK = '*mangle\n:KGTEST-LEGACY - [0:0]\nCOMMIT\n';

const etcNetnsExisted = existsSync('/etc/netns');
const TEMP_PREFIX = 'kgtest-e2e-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a killed earlier run of these tests left: its kuma-dp processes (found by its temp dir in their command
 * line), temp dirs and /etc/netns entries, all named after that run's (dead) pid. Its namespaces go with
 * removeLeftoverNetns.
 */
export async function removeLeftovers(): Promise<void> {
  const deadRun = (name: string, prefix: string) => {
    const pid = Number(new RegExp(`^${prefix}(\\d+)-`).exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
  };
  for (const name of readdirSync(tmpdir())) {
    if (!deadRun(name, TEMP_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    for (const p of processesWith(dir)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  if (existsSync('/etc/netns')) {
    for (const name of readdirSync('/etc/netns')) {
      if (deadRun(name, 'kgtest-')) rmSync(join('/etc/netns', name), { recursive: true, force: true });
    }
  }
}

export function tools(backend: Backend, family: Family) {
  const base = family === 'ipv4' ? 'iptables' : 'ip6tables';
  return { save: `${base}-${backend}-save`, restore: `${base}-${backend}-restore` };
}

export async function createE2eHost(backend: Backend, options: HostOptions = {}): Promise<E2eHost> {
  const host = await createNetns();
  const peer = await createNetns().catch(async (e) => {
    await host.remove();
    throw e;
  });
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  chmodSync(dir, 0o755);
  const listeners: ChildProcess[] = [];
  const laterCleanups: (() => Promise<void>)[] = [];
  let cleaned = false;
  const files = {
    token: join(dir, 'files', 'token'),
    dataplane: join(dir, 'files', 'dp.yaml'),
    tproxy: join(dir, 'files', 'tproxy.yaml'),
    pid: join(dir, 'state', HOST_NAME, 'kuma-dp.pid'),
  };
  const repo = join(dir, 'repo');
  const stateDir = join(dir, 'state');
  const inNs = (ns: string, argv: string[], user?: string) =>
    exec(['ip', 'netns', 'exec', ns, ...(user === undefined ? [] : ['runuser', '-u', user, '--']), ...argv]);

  const e: E2eHost = {
    backend,
    netns: host.name,
    peerNetns: peer.name,
    dir,
    repo,
    stateDir,
    files,
    options: { ...options },
    async setHost(update) {
      e.options = {
        vars: { ...e.options.vars, ...update.vars },
        env: { ...e.options.env, ...update.env },
        kumaDp: { ...e.options.kumaDp, ...update.kumaDp },
        serviceUser: update.serviceUser ?? e.options.serviceUser,
      };
      await writeFile(join(repo, 'hosts', `${HOST_NAME}.yaml`), hostYaml(e));
    },
    writeRepoFile: (path, text) => writeFile(join(repo, path), text),
    async cli(command, args = [], o = {}) {
      const argv = [
        process.execPath,
        CLI,
        command,
        '--repo',
        repo,
        '--host',
        o.host ?? HOST_NAME,
        ...(o.asOnHost ? [] : ['--netns', host.name]),
        '--state-dir',
        stateDir,
        ...args,
      ];
      const full = [
        ...(o.wrapper ?? []),
        ...(o.asOnHost ? ['ip', 'netns', 'exec', host.name] : []),
        ...(o.user === undefined ? [] : ['runuser', '-u', o.user, '--']),
        ...argv,
      ];
      const run = () => exec(full, o.env ? { env: o.env } : {});
      return o.coord === false ? run() : withSharedCoord(run);
    },
    // A generous readiness timeout, as tests run concurrently on two cores; never-ready tests pass a short one.
    apply: (args = [], env) =>
      e.cli(
        'apply',
        [...(args.includes('--ready-timeout') ? [] : ['--ready-timeout', '30']), ...args],
        env ? { env } : {},
      ),
    plan: (args = []) => e.cli('plan', args),
    inHost: (argv, o = {}) => inNs(host.name, argv, o.user),
    inPeer: (argv, o = {}) => inNs(peer.name, argv, o.user),
    async probe(where, args, user) {
      const r = await inNs(where === 'host' ? host.name : peer.name, [process.execPath, PROBE, ...args], user);
      try {
        return JSON.parse(r.stdout) as ProbeResult;
      } catch {
        throw new Error(`probe ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stderr}`);
      }
    },
    async listen(where, address, port, text) {
      const script =
        "const [a,p,t]=process.argv.slice(1);require('node:net').createServer((s)=>s.end(t+'\\n'))" +
        ".listen(Number(p),a,()=>console.log('listening'))";
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          where === 'host' ? host.name : peer.name,
          process.execPath,
          '-e',
          script,
          address,
          `${port}`,
          text,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      listeners.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`listener on ${port} exited with ${code}`)));
      });
    },
    save: async (family) => must(['ip', 'netns', 'exec', host.name, tools(backend, family).save]),
    async restore(family, payload) {
      const argv = ['ip', 'netns', 'exec', host.name, tools(backend, family).restore, '--noflush'];
      if (backend === 'legacy') await withSharedCoord(() => must(argv, payload));
      else await must(argv, payload);
    },
    pidFile() {
      try {
        return Number(readFileSync(files.pid, 'utf8').trim());
      } catch {
        return undefined;
      }
    },
    kumaDpProcesses: () => processesWith(`--dataplane-file=${files.dataplane}`).filter((p) => p.argv[0] !== 'runuser'),
    ready: () => e.probe('host', ['http', '127.0.0.1', '9902', '/ready']),
    onCleanup: (fn) => laterCleanups.push(fn),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      for (const child of listeners) child.kill('SIGKILL');
      // Our kuma-dp (runuser and the stand-in) and anything else started with this host's files: by pid.
      for (const p of processesWith(dir)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (let i = 0; i < 100 && processesWith(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      await host.remove().catch(() => undefined);
      await peer.remove().catch(() => undefined);
      rmSync(join('/etc/netns', host.name), { recursive: true, force: true });
      if (!etcNetnsExisted) await rmdir('/etc/netns').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      const failures: unknown[] = [];
      for (const fn of laterCleanups) await fn().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    },
  };

  try {
    for (const [ns, veth, address] of [
      [host.name, 'kgh', HOST_ADDRESS],
      [peer.name, 'kgp', PEER_ADDRESS],
    ] as const) {
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      if (ns === host.name)
        await must(['ip', '-n', ns, 'link', 'add', 'kgh', 'type', 'veth', 'peer', 'name', 'kgp', 'netns', peer.name]);
      await must(['ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', veth]);
      await must(['ip', '-n', ns, 'link', 'set', veth, 'up']);
    }
    if (backend === 'legacy') await e.restore('ipv4', LEGACY_MARK);
    mkdirSync(join('/etc/netns', host.name), { recursive: true });
    await writeFile(join('/etc/netns', host.name, 'resolv.conf'), `nameserver ${PEER_ADDRESS}\n`);
    cpSync(join(ROOT, 'desired-state'), repo, { recursive: true });
    mkdirSync(join(dir, 'files'), { mode: 0o755 });
    chmodSync(join(dir, 'files'), 0o755);
    await writeFile(files.token, `kgtest-token-${randomBytes(6).toString('hex')}\n`, { mode: 0o644 });
    await e.setHost({});
  } catch (error) {
    await e.cleanup();
    throw error;
  }
  return e;
}

function hostYaml(e: E2eHost): string {
  const o = e.options;
  const vars = { name: 'example-server-dataplane', address: HOST_ADDRESS, port: 8080, ...o.vars };
  const kumaDp = {
    cpAddress: `https://${PEER_ADDRESS}:5678`,
    binary: STANDIN,
    tokenFile: e.files.token,
    dataplaneFile: e.files.dataplane,
    tproxyConfigFile: e.files.tproxy,
    ...o.kumaDp,
    env: { KUMA_STANDIN_LISTEN_ADDRESSES: '0.0.0.0,::', ...o.env },
  };
  // JSON is YAML: no quoting surprises in paths or values.
  return `${JSON.stringify(
    {
      dataplane: { template: 'templates/example-server.yaml', vars },
      service: { ports: [8080], ...(o.serviceUser ? { user: o.serviceUser } : {}) },
      kumaDp,
    },
    null,
    2,
  )}\n`;
}

/** The sample's tproxy/fleet.yaml, with more settings merged in (YAML flow style, JSON values). */
export function fleetTproxy(
  extra: { kumaDPUser?: string; outboundExcludePorts?: number[]; vnetNetworks?: string[] } = {},
): string {
  return `${JSON.stringify(
    {
      ...(extra.kumaDPUser ? { kumaDPUser: extra.kumaDPUser } : {}),
      redirect: {
        dns: { enabled: true },
        inbound: { excludePorts: [22] },
        ...(extra.outboundExcludePorts ? { outbound: { excludePorts: extra.outboundExcludePorts } } : {}),
        ...(extra.vnetNetworks ? { vnet: { networks: extra.vnetNetworks } } : {}),
      },
    },
    null,
    2,
  )}\n`;
}

/**
 * A describe block per backend whose tests get fresh hosts from `fresh()`, all cleaned up in afterAll. Without
 * root or namespaces it is skipped with its reason, except in CI (CI=true), where that is a failure.
 * `concurrent`: the tests of both backends run at the same time (each on its own hosts): they mostly wait for
 * processes, and vitest gives this suite one worker on two cores.
 */
export async function describeE2e(
  title: string,
  body: (backend: Backend, fresh: (o?: HostOptions) => Promise<E2eHost>) => void,
  o: { concurrent?: boolean; backends?: readonly Backend[] } = {},
): Promise<void> {
  const why =
    (await netnsUnavailableReason(['iptables-nft-save', 'iptables-legacy-save', 'runuser'])) ??
    (existsSync(CLI) ? undefined : `${CLI} is missing: run npm run build`);
  (o.concurrent ? describe.concurrent : describe)(title, () => {
    for (const backend of o.backends ?? BACKENDS) describeBackend(title, backend, why, body);
  });
}

function describeBackend(
  title: string,
  backend: Backend,
  why: string | undefined,
  body: (backend: Backend, fresh: (o?: HostOptions) => Promise<E2eHost>) => void,
): void {
  describe(backend, () => {
    if (why !== undefined) {
      if (process.env.CI === 'true') {
        it('has root, network namespaces, iptables and a build', () => {
          throw new Error(`CI must run the reconcile acceptance tests, but: ${why}`);
        });
      } else {
        console.warn(`[reconcile-e2e] ${title}: skipped: ${why}`);
        it.skip(`skipped: ${why}`, () => undefined);
      }
      return;
    }
    const created: E2eHost[] = [];
    beforeAll(async () => {
      await removeLeftoverNetns();
      await removeLeftovers();
      await ensureKumaDpUser();
    }, 60_000);
    afterAll(async () => {
      const results = await Promise.allSettled(created.map((h) => h.cleanup()));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }, 60_000);
    body(backend, async (o) => {
      const h = await createE2eHost(backend, o);
      created.push(h);
      return h;
    });
  });
}
