/**
 * A throw-away "host" for the reconcile acceptance tests, on a test world (test/support/world/world.ts) named
 * `kgtest-<pid>-...` with its temp dir `kgtest-e2e-<pid>-...`: the host namespace at 10.77.0.1 and the peer at
 * 10.77.0.2 on the veth kgh/kgp, the host's resolv.conf naming the peer, and a copy of the sample repo whose
 * example-server runs the stand-in kuma-dp. The backend kumactl would pick is forced the way kumactl decides it: a
 * namespace whose legacy tables hold rules (and nft ones none) is a legacy host; a fresh one is an nft host.
 *
 * /run/xtables.lock is shared by every namespace: one test holds it on purpose. Every CLI run and every legacy
 * restore of these tests takes a shared lock on COORD first, and that test takes it exclusively, so it never starves
 * another e2e test.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgv, HOST_NAME } from '../world/cli.js';
import { holdFlock, must, type Result } from '../world/exec.js';
import { hostDoc, yamlText } from '../world/host-yaml.js';
import { type Backend, type Family, tools } from '../world/iptables.js';
import { type ProcessInfo, processesWith } from '../world/processes.js';
import { createWorld, type ProbeResult, type World } from '../world/world.js';

export { HOST_NAME } from '../world/cli.js';
export { KUMA_DP_UID } from '../world/users.js';
export const HOST_ADDRESS = '10.77.0.1';
export const PEER_ADDRESS = '10.77.0.2';
export const E2E_NAMES = { prefix: 'kgtest-', tempPrefix: 'kgtest-e2e-', userTag: 'kgtest' };

/** Shared by every CLI run and legacy restore of these tests; taken exclusively by the xtables-lock test. */
export const COORD = join(tmpdir(), 'kgtest-e2e-xtables.coord');

export async function withSharedCoord<T>(fn: () => Promise<T>): Promise<T> {
  const held = await holdFlock(['-s', COORD]);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}

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
  /** From now on, plan and apply allow kuma-dp to run as this user (host-side policy, --allow-kuma-dp-user). */
  allowKumaDpUser(name: string, uid: number): void;
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
  kumaDpProcesses(): ProcessInfo[];
  /** GET /ready inside the host namespace. */
  ready(): Promise<ProbeResult>;
  /** The world's copy of the stand-in kuma-dp, which the kuma-dp user can run. */
  kumaDpBinary: string;
  /**
   * Starts the stand-in by hand, as the guide does: `runuser -u kuma-dp -- <kuma-dp> run <args>` in the host
   * namespace, with exactly `env` (and PATH); killed at cleanup.
   */
  startByHand(args: string[], env?: Record<string, string>): void;
  /** Runs `fn` during cleanup, after this host's processes are gone (e.g. removing a user they ran as). */
  onCleanup(fn: () => Promise<void>): void;
  /** Idempotent; every step runs even when an earlier one fails. */
  cleanup(): Promise<void>;
}

/**
 * Marks a legacy host the way kumactl tells (REFERENCE §3.2): its legacy nat, raw or mangle table holds rules, its nft
 * ones none. A foreign chain in mangle, a table our rules never touch.
 */
const LEGACY_MARK = '*mangle\n:KGTEST-LEGACY - [0:0]\nCOMMIT\n';

export async function createE2eHost(backend: Backend, options: HostOptions = {}): Promise<E2eHost> {
  const w: World = await createWorld({ ...E2E_NAMES, subnet: 0, links: ['kgh', 'kgp'] });
  const files = { ...w.files, pid: join(w.stateDir, HOST_NAME, 'kuma-dp.pid') };
  const policyArgs: string[] = [];

  const e: E2eHost = {
    backend,
    netns: w.hostNs,
    peerNetns: w.peerNs,
    dir: w.dir,
    repo: w.repo,
    stateDir: w.stateDir,
    files,
    options: { ...options },
    async setHost(update) {
      const o = {
        vars: { ...e.options.vars, ...update.vars },
        env: { ...e.options.env, ...update.env },
        kumaDp: { ...e.options.kumaDp, ...update.kumaDp },
        serviceUser: update.serviceUser ?? e.options.serviceUser,
      };
      e.options = o;
      const doc = hostDoc({ ...w, serviceUser: o.serviceUser });
      doc.dataplane.vars = { ...doc.dataplane.vars, ...o.vars };
      doc.kumaDp = { ...doc.kumaDp, ...o.kumaDp, env: { ...doc.kumaDp.env, ...o.env } };
      await e.writeRepoFile(`hosts/${HOST_NAME}.yaml`, yamlText(doc));
    },
    writeRepoFile: (path, text) => writeFile(join(w.repo, path), text),
    allowKumaDpUser(name, uid) {
      policyArgs.push('--allow-kuma-dp-user', `${name}:${uid}`);
    },
    async cli(command, args = [], o = {}) {
      // The host's files are written into the world's folder: the host-side policy must allow it.
      const flags = {
        '--repo': w.repo,
        '--host': o.host ?? HOST_NAME,
        '--state-dir': w.stateDir,
        '--allow-write-root': w.dir,
      };
      // Another user cannot reach the checkout (e.g. under /root): it runs the world's copy of the CLI.
      const cli = o.user === undefined ? undefined : w.tools.cli();
      const extra =
        (command === 'plan' || command === 'apply') && policyArgs.length > 0
          ? [...policyArgs, '--allow-kuma-dp-user', 'kuma-dp:5678']
          : [];
      const argv = cliArgv(
        command,
        [...args, ...extra],
        { ...flags, '--netns': o.asOnHost ? undefined : w.hostNs },
        cli,
      );
      const full = [
        ...(o.wrapper ?? []),
        ...(o.asOnHost ? ['ip', 'netns', 'exec', w.hostNs] : []),
        ...(o.user === undefined ? [] : ['runuser', '-u', o.user, '--']),
        ...argv,
      ];
      const run = () => w.exec(full, o.env ? { env: o.env } : {});
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
    inHost: (argv, o = {}) => w.inNs('host', argv, o),
    inPeer: (argv, o = {}) => w.inNs('peer', argv, o),
    probe: (where, args, user) => w.probe(where, args, user),
    listen: async (where, address, port, text) => void (await w.listen(where, port, text, address)),
    save: async (family) => must(['ip', 'netns', 'exec', w.hostNs, tools(backend, family).save]),
    async restore(family, payload) {
      const argv = ['ip', 'netns', 'exec', w.hostNs, tools(backend, family).restore, '--noflush'];
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
    kumaDpBinary: w.tools.kumaDp,
    startByHand(args, env = {}) {
      w.spawnIn('host', [w.tools.kumaDp, 'run', ...args], 'kuma-dp', {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...env,
      });
    },
    onCleanup: (fn) => w.onCleanup(fn),
    cleanup: () => w.cleanup(),
  };

  try {
    if (backend === 'legacy') await e.restore('ipv4', LEGACY_MARK);
    await e.setHost({});
  } catch (error) {
    await e.cleanup().catch(() => undefined);
    throw error;
  }
  return e;
}
