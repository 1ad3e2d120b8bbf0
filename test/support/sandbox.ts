/**
 * A throw-away two-namespace world for the acceptance tests and the demo: a "host" namespace (where kuma-gitops
 * reconciles example-server) and a "peer" namespace, joined by a veth pair, plus a temp dir (token, state, a copy of
 * desired-state/), a service user and tracked processes. Nothing touches this machine's own network: links are
 * created inside the namespaces. Names are `kgsbx-<pid>-<rand>`, so leftovers of a killed run (dead pid) are removed
 * at the next start while concurrent runs are left alone. The kuma-dp user (uid 5678) is created by the product and
 * deliberately left in place: every sandbox and test shares it.
 * Every command is an argument array; nothing goes through a shell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { createProcessSupervisor } from '../../src/supervisor/process-supervisor.js';
import { SAMPLE_REPO } from './sample-repo.js';
export const CLI = fileURLToPath(new URL('../../dist/bin/kuma-gitops.js', import.meta.url));
export const STANDIN_KUMA_DP = fileURLToPath(new URL('../standin/kuma-dp.mjs', import.meta.url));
export const PROBE = fileURLToPath(new URL('../standin/probe.mjs', import.meta.url));
export const HOST = 'example-server';
// A system python the service user can run (root's PATH may hold a pyenv shim under /root, unreadable to it).
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find(existsSync);

export type Backend = 'nft' | 'legacy';
export type Family = 'ipv4' | 'ipv6';

export interface SandboxOptions {
  /** A readable label added to every name (letters, digits, '-'). */
  name?: string;
  /** The backend kumactl's detection will choose in the host namespace (default nft: a fresh namespace). */
  backend?: Backend;
  /** Give both ends an IPv6 address too (fd77:x::1 and fd77:x::2) and put it in resolv.conf. */
  ipv6?: boolean;
}

export interface Sandbox {
  id: string;
  hostNs: string;
  peerNs: string;
  backend: Backend;
  ipv6: boolean;
  hostAddress: string;
  peerAddress: string;
  hostAddress6?: string;
  peerAddress6?: string;
  /** The temp dir (0755): token (0644), dp.yaml and tproxy.yaml written by the product, repo/, state/. */
  dir: string;
  repo: string;
  stateDir: string;
  tokenFile: string;
  serviceUser: string;
  /** A fresh copy of hosts/example-server.yaml as an object, to modify and pass to writeHostFile. */
  hostDoc(): HostDoc;
  /** Writes hosts/<host>.yaml (object as YAML, or text as is); returns the repo path. */
  writeHostFile(doc: HostDoc | string, host?: string): string;
  /** Writes tproxy/<name>.yaml (fleet.yaml is the one the sample fleet uses); returns the repo path. */
  writeTproxyFile(name: string, doc: object | string): string;
  /** `node dist/bin/kuma-gitops.js <command> ...` with --repo, --netns, --state-dir and --host (example-server) added unless given. */
  cli(args: string[], options?: { timeoutMs?: number }): Promise<RunResult>;
  /** A command in the host namespace, as root or (runuser) as `user`. Never throws on a non-zero exit. */
  inHost(cmd: string[], options?: { user?: string; input?: string }): Promise<RunResult>;
  inPeer(cmd: string[], options?: { user?: string; input?: string }): Promise<RunResult>;
  /** probe.mjs (tcp|http|dns HOST PORT ...) in a namespace; its JSON line, e.g. {ok:true,text:'kuma-dp-standin ...'}. */
  probe(where: 'host' | 'peer', args: string[], options?: { user?: string }): Promise<ProbeResult>;
  /** `python3 -m http.server 8080` as the service user in the host namespace; resolves once it answers. */
  startService(): Promise<number>;
  /** A TCP listener in a namespace that answers each connection with `kgsbx-listener ns=<host|peer> port=<port>`. */
  listen(where: 'host' | 'peer', port: number): Promise<number>;
  /**
   * The backend's iptables/ip6tables with `-w` and `args` in the host namespace (e.g. to cause drift). The xtables
   * lock of legacy is one file for every namespace: `-w` waits for it instead of failing.
   */
  iptables(family: Family, args: string[]): Promise<RunResult>;
  /**
   * The host namespace's `*-save` of the chosen backend. By default without the `#` lines (they carry a timestamp)
   * and with chain counters zeroed (traffic changes them); `{ raw: true }` for the output as printed.
   */
  save(family: Family, options?: { raw?: boolean }): Promise<string>;
  /** Stops kuma-dp (supervisor), kills everything in both namespaces, removes namespaces, dirs and user. Idempotent. */
  cleanup(): Promise<void>;
}

/** hosts/<host>.yaml as an object; other keys of the host schema may be added. */
export interface HostDoc {
  dataplane: { template: string; vars: Record<string, string | number>; [key: string]: unknown };
  service: { user: string; ports: number[]; [key: string]: unknown };
  kumaDp: { env: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}
export type ProbeResult = { ok: boolean; text?: string; status?: number; error?: string; [key: string]: unknown };

const SAVE = {
  nft: ['iptables-nft-save', 'ip6tables-nft-save'],
  legacy: ['iptables-legacy-save', 'ip6tables-legacy-save'],
};
const TABLES = { nft: ['iptables-nft', 'ip6tables-nft'], legacy: ['iptables-legacy', 'ip6tables-legacy'] };
const LISTENER = `const [ns, port] = process.argv.slice(1);
require('node:net').createServer((s) => s.end('kgsbx-listener ns=' + ns + ' port=' + port + '\\n')).listen(Number(port));`;

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (process.getuid?.() !== 0) throw new Error('a sandbox needs root (network namespaces, users, iptables)');
  await removeLeftoverSandboxes();
  const rand = randomBytes(4).toString('hex');
  const label = options.name ? `-${options.name.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 20)}` : '';
  const id = `${SANDBOX_PREFIX}${process.pid}-${rand}${label}`;
  const x = 1 + (randomBytes(1)[0]! % 250);
  const backend = options.backend ?? 'nft';
  const ipv6 = options.ipv6 ?? false;
  const hostNs = `${id}-host`;
  const peerNs = `${id}-peer`;
  const serviceUser = `${SANDBOX_PREFIX}${rand}`;
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const children = new Set<ChildProcess>();
  // Set when cleanup starts: a caller still running (e.g. an interrupted demo) must not start anything new.
  let closed = false;
  const exec = (cmd: string[], o: { input?: string | undefined; timeoutMs?: number } = {}): Promise<RunResult> =>
    closed
      ? Promise.resolve({ code: -1, stdout: '', stderr: `sandbox ${id} is cleaned up` })
      : run(cmd, { ...o, children });
  let cleaned: Promise<void> | undefined;

  const sb = {
    id,
    hostNs,
    peerNs,
    backend,
    ipv6,
    hostAddress: `10.77.${x}.1`,
    peerAddress: `10.77.${x}.2`,
    ...(ipv6 ? { hostAddress6: `fd77:${x}::1`, peerAddress6: `fd77:${x}::2` } : {}),
    dir,
    repo: join(dir, 'repo'),
    stateDir: join(dir, 'state'),
    tokenFile: join(dir, 'token'),
    serviceUser,
  };
  const must = async (cmd: string[]) => {
    const r = await exec(cmd);
    if (r.code !== 0) throw new Error(`sandbox ${id}: ${cmd.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r;
  };
  const inNs = (ns: string, cmd: string[], o: { user?: string; input?: string } = {}) =>
    exec(['ip', 'netns', 'exec', ns, ...(o.user ? ['runuser', '-u', o.user, '--'] : []), ...cmd], { input: o.input });
  const background = async (ns: string, cmd: string[], user?: string) => {
    if (closed) throw new Error(`sandbox ${id} is cleaned up`);
    const argv = ['netns', 'exec', ns, ...(user ? ['runuser', '-u', user, '--'] : []), ...cmd];
    const child = spawn('ip', argv, { cwd: dir, stdio: 'ignore' });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child.pid ?? -1;
  };
  const hostDoc = (): HostDoc => ({
    dataplane: {
      template: 'templates/example-server.yaml',
      vars: { name: 'example-server-dataplane', address: sb.hostAddress, port: 8080 },
    },
    service: { user: serviceUser, ports: [8080] },
    kumaDp: {
      cpAddress: `https://${sb.peerAddress}:5678`,
      binary: STANDIN_KUMA_DP,
      tokenFile: sb.tokenFile,
      dataplaneFile: join(dir, 'dp.yaml'),
      tproxyConfigFile: join(dir, 'tproxy.yaml'),
      env: { KUMA_STANDIN_LISTEN_ADDRESSES: '0.0.0.0,::' },
    },
  });
  const writeRepoFile = (path: string, text: string) => {
    writeFileSync(join(sb.repo, path), text);
    return sb.repo;
  };
  const probe = async (where: 'host' | 'peer', args: string[], o: { user?: string } = {}) => {
    const r = await inNs(where === 'host' ? hostNs : peerNs, ['node', PROBE, ...args], o);
    try {
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ProbeResult;
    } catch {
      return { ok: false, error: `probe printed no JSON (exit ${r.code}): ${r.stderr.trim()}` };
    }
  };
  const untilAnswers = async (where: 'host' | 'peer', args: string[], what: string) => {
    for (let i = 0; i < 50; i++) {
      if ((await probe(where, args)).ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`sandbox ${id}: ${what} did not answer within 5 s`);
  };

  async function cleanup(): Promise<void> {
    cleaned ??= (async () => {
      closed = true;
      for (const child of children) child.kill('SIGKILL');
      const supervisor = createProcessSupervisor({ host: HOST, stateDir: sb.stateDir, netns: hostNs });
      await supervisor.stop({ timeoutMs: 10_000 }).catch(() => undefined);
      await removeSandboxParts([hostNs, peerNs], dir, serviceUser);
    })();
    return cleaned;
  }

  try {
    chmodSync(dir, 0o755);
    writeFileSync(sb.tokenFile, `kgsbx-token-${randomBytes(8).toString('hex')}\n`, { mode: 0o644 });
    chmodSync(sb.tokenFile, 0o644);
    cpSync(SAMPLE_REPO, sb.repo, { recursive: true });
    mkdirSync(sb.stateDir);
    await must(['ip', 'netns', 'add', hostNs]);
    await must(['ip', 'netns', 'add', peerNs]);
    const nameservers = [sb.peerAddress, ...(ipv6 ? [sb.peerAddress6] : [])];
    mkdirSync(join('/etc/netns', hostNs), { recursive: true });
    writeFileSync(join('/etc/netns', hostNs, 'resolv.conf'), nameservers.map((a) => `nameserver ${a}\n`).join(''));
    for (const ns of [hostNs, peerNs]) await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    // Created inside the host namespace with its peer end moved straight into the peer namespace.
    await must(['ip', '-n', hostNs, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs]);
    for (const [ns, end] of [
      [hostNs, 1],
      [peerNs, 2],
    ] as const) {
      await must(['ip', '-n', ns, 'addr', 'add', `10.77.${x}.${end}/24`, 'dev', 'eth0']);
      // nodad: the address is usable at once instead of tentative for a second or two.
      if (ipv6) await must(['ip', '-n', ns, '-6', 'addr', 'add', `fd77:${x}::${end}/64`, 'dev', 'eth0', 'nodad']);
      await must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    }
    // REFERENCE §3.2: when only legacy has rules (nat, raw or mangle), kumactl picks legacy. An unreferenced chain
    // changes no packet's path.
    if (backend === 'legacy') {
      const legacy = ['ip', 'netns', 'exec', hostNs, 'iptables-legacy', '-w', '-t', 'nat'];
      await must([...legacy, '-N', 'KGSBX_FOREIGN']);
      await must([...legacy, '-A', 'KGSBX_FOREIGN', '-j', 'RETURN']);
    }
    await addUser(serviceUser, `kgsbx pid ${process.pid}`);
    writeRepoFile(`hosts/${HOST}.yaml`, stringify(hostDoc()));
  } catch (error) {
    await cleanup();
    throw error;
  }

  return {
    ...sb,
    hostDoc,
    writeHostFile: (doc, host = HOST) =>
      writeRepoFile(`hosts/${host}.yaml`, typeof doc === 'string' ? doc : stringify(doc)),
    writeTproxyFile: (name, doc) =>
      writeRepoFile(`tproxy/${name}.yaml`, typeof doc === 'string' ? doc : stringify(doc)),
    cli(args, o = {}) {
      const [command = 'plan', ...rest] = args;
      const has = (flag: string) => rest.some((a) => a === flag || a.startsWith(`${flag}=`));
      const defaults = { '--repo': sb.repo, '--netns': hostNs, '--state-dir': sb.stateDir, '--host': HOST };
      const added = Object.entries(defaults).flatMap(([flag, value]) => (has(flag) ? [] : [flag, value]));
      return exec([process.execPath, CLI, command, ...added, ...rest], { timeoutMs: o.timeoutMs ?? 180_000 });
    },
    inHost: (cmd, o) => inNs(hostNs, cmd, o),
    inPeer: (cmd, o) => inNs(peerNs, cmd, o),
    probe,
    async startService() {
      if (PYTHON === undefined) throw new Error('the service needs /usr/bin/python3: apt-get install python3');
      const pid = await background(hostNs, [PYTHON, '-m', 'http.server', '8080'], serviceUser);
      await untilAnswers('host', ['http', '127.0.0.1', '8080', '/'], 'the service on port 8080');
      return pid;
    },
    async listen(where, port) {
      const pid = await background(where === 'host' ? hostNs : peerNs, ['node', '-e', LISTENER, where, String(port)]);
      await untilAnswers(where, ['tcp', '127.0.0.1', String(port)], `the listener on ${where}:${port}`);
      return pid;
    },
    iptables: (family, args) => inNs(hostNs, [TABLES[backend][family === 'ipv4' ? 0 : 1]!, '-w', ...args]),
    async save(family, o = {}) {
      const r = await inNs(hostNs, [SAVE[backend][family === 'ipv4' ? 0 : 1]!]);
      if (r.code !== 0) throw new Error(`sandbox ${id}: ${family} save failed: ${r.stderr.trim()}`);
      if (o.raw) return r.stdout;
      return r.stdout
        .split('\n')
        .filter((line) => !line.startsWith('#'))
        .map((line) => (line.startsWith(':') ? line.replace(/\[\d+:\d+\]$/, '[0:0]') : line))
        .join('\n');
    },
    cleanup,
  };
}

// --- processes, namespaces and users: the parts shared by cleanup() and the removal of dead runs' leftovers ---

export const SANDBOX_PREFIX = 'kgsbx-';
const OWNER = /^kgsbx-(\d+)-/;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an argument array to completion; never rejects on a non-zero exit (code -1: could not start or timed out). */
export function run(
  cmd: string[],
  o: { input?: string | undefined; timeoutMs?: number; children?: Set<ChildProcess> } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    o.children?.add(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    child.on('error', (error) => (stderr += error.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      o.children?.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGKILL every process in the namespace (kuma-dp, the service, probes), and wait until none is left. */
async function killNetnsProcesses(ns: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const { stdout } = await run(['ip', 'netns', 'pids', ns]);
    const pids = stdout.split(/\s+/).filter(Boolean).map(Number);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Creates the kuma-dp user (uid 5678) the way kuma-gitops does, unless it exists. For tests that run next to other
 * test files: when several first applies on a fresh machine each create it, all but one would fail on useradd.
 */
export async function ensureKumaDpUser(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (
      readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .some((line) => line.startsWith('kuma-dp:'))
    )
      return;
    await run(['useradd', '-u', '5678', '-U', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', 'kuma-dp']);
    await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 50));
  }
  throw new Error('could not create the kuma-dp user (uid 5678)');
}

async function addUser(name: string, comment: string): Promise<void> {
  // useradd locks /etc/passwd: parallel sandboxes may collide, so retry briefly.
  let last: RunResult | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    last = await run(['useradd', '--system', '--no-create-home', '-s', '/usr/sbin/nologin', '-c', comment, name]);
    if (last.code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
  }
  throw new Error(`useradd ${name} failed: ${last?.stderr.trim()}`);
}

async function deleteUser(name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    if (!passwd.split('\n').some((line) => line.startsWith(`${name}:`))) return;
    await run(['userdel', name]);
    await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
  }
}

async function removeSandboxParts(namespaces: string[], dir: string | undefined, user: string | undefined) {
  for (const ns of namespaces) {
    await killNetnsProcesses(ns);
    await run(['ip', 'netns', 'del', ns]);
    rmSync(join('/etc/netns', ns), { recursive: true, force: true });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (user) await deleteUser(user);
}

/** Removes what sandboxes of dead processes left: namespaces (and what runs in them), /etc/netns dirs, temp dirs, users. */
export async function removeLeftoverSandboxes(): Promise<string[]> {
  const dead = (name: string) => {
    const pid = Number(OWNER.exec(name)?.[1]);
    return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
  };
  const { stdout } = await run(['ip', 'netns', 'list']);
  const namespaces = stdout.split('\n').map((line) => line.split(' ')[0] ?? '');
  const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  const stale = [...new Set([...namespaces, ...etc])].filter(dead);
  const dirs = readdirSync(tmpdir()).filter(dead);
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter(
      ([name, , , , comment]) =>
        name?.startsWith(SANDBOX_PREFIX) && dead(`kgsbx-${/pid (\d+)/.exec(comment ?? '')?.[1]}-`),
    )
    .map(([name]) => name!);
  await removeSandboxParts(stale, undefined, undefined);
  for (const d of dirs) rmSync(join(tmpdir(), d), { recursive: true, force: true });
  for (const user of users) await deleteUser(user);
  return [...stale, ...dirs, ...users];
}
