/**
 * A throw-away two-namespace world: a "host" namespace (where kuma-gitops reconciles example-server) and a "peer"
 * namespace on a veth pair (namespaces.ts), and a 0755 temp dir holding a copy of desired-state/ (repo/), copies of
 * what runs as other users (tools/, see sandbox-tools.ts), a dataplane token (0644), the paths kuma-gitops writes
 * the Dataplane and tproxy config to, and state/. Names are
 * `<prefix><pid>-<rand>[-label]` (temp dir: `<tempPrefix><pid>-<rand>[-label]-XXXXXX`), so that removeDeadRuns
 * can tell a killed run's leftovers from a concurrent run's. Commands and processes started through the world are
 * tracked, and all of it goes in cleanup().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeSandboxTools, type SandboxTools } from '../sandbox-tools.js';
import { SAMPLE_REPO } from './cli.js';
import { type ExecOptions, exec as execCommand, type Result } from './exec.js';
import {
  createNamespacePair,
  type NamespacePair,
  namespacesAndEntries,
  type PairOptions,
  pairNames,
  removeNamespace,
} from './namespaces.js';
import { isOfDeadRun, killProcessesWith } from './processes.js';
import { removeUser, usersOfDeadRuns } from './users.js';

export type Where = 'host' | 'peer';

export interface WorldOptions extends Omit<PairOptions, 'id'> {
  /** Of the namespaces and /etc/netns entries. */
  prefix: string;
  /** Of the temp dir. */
  tempPrefix: string;
  /** A readable label added to every name (letters, digits, '-'). */
  label?: string | undefined;
}

/** probe.mjs's JSON line, e.g. {ok:true,text:'kuma-dp-standin ...'} or {ok:true,status:200,body:'READY'}. */
export interface ProbeResult {
  ok: boolean;
  text?: string;
  status?: number;
  body?: string;
  error?: string;
  answers?: { type: number; data: string }[];
  [key: string]: unknown;
}

export interface World extends NamespacePair {
  id: string;
  dir: string;
  repo: string;
  stateDir: string;
  files: { token: string; dataplane: string; tproxy: string };
  /** Copies of what runs as another user (stand-in kuma-dp, probe, CLI), in `<dir>/tools`. */
  tools: SandboxTools;
  /** A command, tracked; once cleanup has started it is not run (code -1). */
  exec(argv: readonly string[], o?: ExecOptions): Promise<Result>;
  /** A command in a namespace, as root or (runuser) as `user`. */
  inNs(where: Where, argv: readonly string[], o?: { user?: string | undefined; input?: string }): Promise<Result>;
  /** A process left running in a namespace (in the world's dir) until cleanup; its stdout is read and dropped. */
  spawnIn(where: Where, argv: readonly string[], user?: string, env?: Record<string, string>): ChildProcess;
  /** probe.mjs (tcp|http|dns HOST PORT ...) in a namespace, as `user`; {ok:false,error} when it printed no JSON. */
  probe(where: Where, args: string[], user?: string): Promise<ProbeResult>;
  /** A TCP server answering every connection with `text` and a newline; on `address` or all. Returns its pid. */
  listen(where: Where, port: number, text: string, address?: string): Promise<number>;
  /** Runs during cleanup before the world's processes are killed (e.g. stopping kuma-dp the product's way). */
  beforeKill(fn: () => Promise<void>): void;
  /** Runs during cleanup after the world is gone (e.g. removing a user its processes ran as). */
  onCleanup(fn: () => Promise<void>): void;
  /** Idempotent; every step runs even when an earlier one fails (the first failure is thrown at the end). */
  cleanup(): Promise<void>;
}

const LISTENER = `const [text, port, address] = process.argv.slice(1);
const server = require('node:net').createServer((s) => s.end(text + '\\n'));
const up = () => console.log('listening');
address ? server.listen(Number(port), address, up) : server.listen(Number(port), up);`;

export async function createWorld(o: WorldOptions): Promise<World> {
  const label = o.label ? `-${o.label.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 20)}` : '';
  const run = `${process.pid}-${randomBytes(4).toString('hex')}${label}`;
  const id = `${o.prefix}${run}`;
  const { hostNs, peerNs } = pairNames(id);
  const dir = mkdtempSync(join(tmpdir(), `${o.tempPrefix}${run}-`));
  const children = new Set<ChildProcess>();
  const first: (() => Promise<void>)[] = [];
  const last: (() => Promise<void>)[] = [];
  let closed = false;
  let cleaned: Promise<void> | undefined;

  const cleanup = () =>
    (cleaned ??= (async () => {
      closed = true;
      const failures: unknown[] = [];
      const step = (fn: () => Promise<void>) => fn().catch((error: unknown) => void failures.push(error));
      for (const child of children) child.kill('SIGKILL');
      for (const fn of first) await step(fn);
      // Our kuma-dp and anything else started with this world's files, then all that runs in its namespaces.
      await step(() => killProcessesWith(dir));
      for (const ns of [hostNs, peerNs]) await step(() => removeNamespace(ns));
      await step(async () => rmSync(dir, { recursive: true, force: true }));
      for (const fn of last) await step(fn);
      if (failures.length > 0) throw failures[0];
    })());

  const files = { token: join(dir, 'token'), dataplane: join(dir, 'dp.yaml'), tproxy: join(dir, 'tproxy.yaml') };
  let pair: NamespacePair;
  let tools: SandboxTools;
  try {
    chmodSync(dir, 0o755);
    tools = placeSandboxTools(dir);
    writeFileSync(files.token, `${o.prefix}token-${randomBytes(8).toString('hex')}\n`, { mode: 0o644 });
    chmodSync(files.token, 0o644);
    cpSync(SAMPLE_REPO, join(dir, 'repo'), { recursive: true });
    pair = await createNamespacePair({ ...o, id });
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }

  const nsOf = (where: Where) => (where === 'host' ? hostNs : peerNs);
  const asUser = (user: string | undefined) => (user === undefined ? [] : ['runuser', '-u', user, '--']);
  const exec = (argv: readonly string[], eo: ExecOptions = {}): Promise<Result> =>
    closed
      ? Promise.resolve({ code: -1, signal: null, stdout: '', stderr: `${id} is cleaned up` })
      : execCommand(argv, { ...eo, children });

  const world: World = {
    ...pair,
    id,
    dir,
    repo: join(dir, 'repo'),
    stateDir: join(dir, 'state'),
    files,
    tools,
    exec,
    inNs: (where, argv, io = {}) =>
      exec(['ip', 'netns', 'exec', nsOf(where), ...asUser(io.user), ...argv], { input: io.input }),
    spawnIn(where, argv, user, env) {
      if (closed) throw new Error(`${id} is cleaned up`);
      const child = spawn('ip', ['netns', 'exec', nsOf(where), ...asUser(user), ...argv], {
        cwd: dir,
        ...(env ? { env } : {}),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      child.stdout!.on('data', () => undefined);
      return child;
    },
    async probe(where, args, user) {
      const r = await world.inNs(where, [process.execPath, tools.probe, ...args], { user });
      try {
        return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ProbeResult;
      } catch {
        return { ok: false, error: `probe ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stderr.trim()}` };
      }
    },
    async listen(where, port, text, address = '') {
      const child = world.spawnIn(where, [process.execPath, '-e', LISTENER, text, String(port), address]);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`${id}: the listener on ${where}:${port} exited with ${code}`)));
      });
      return child.pid ?? -1;
    },
    beforeKill: (fn) => first.push(fn),
    onCleanup: (fn) => last.push(fn),
    cleanup,
  };
  return world;
}

/** How a kind of world names its things: namespaces `<prefix><pid>-...`, temp dirs `<tempPrefix><pid>-...`, users. */
export interface RunNames {
  prefix: string;
  tempPrefix: string;
  /** Users made with addUser(name, userTag). */
  userTag: string;
}

/**
 * What killed runs (pid gone) left: kills their processes (in their namespaces, or naming their temp dir) and
 * removes their namespaces, /etc/netns entries, temp dirs and users. Returns what it removed.
 */
export async function removeDeadRuns(names: RunNames): Promise<string[]> {
  const namespaces = (await namespacesAndEntries()).filter((ns) => isOfDeadRun(ns, names.prefix));
  for (const ns of namespaces) await removeNamespace(ns);
  const dirs = readdirSync(tmpdir()).filter((d) => isOfDeadRun(d, names.tempPrefix));
  for (const d of dirs) {
    await killProcessesWith(join(tmpdir(), d));
    rmSync(join(tmpdir(), d), { recursive: true, force: true });
  }
  const users = usersOfDeadRuns(names.userTag);
  for (const user of users) await removeUser(user);
  return [...namespaces, ...dirs, ...users];
}
