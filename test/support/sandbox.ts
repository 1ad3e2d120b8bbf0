/**
 * A throw-away sandbox host for the demo and the benchmark, on a test world (world/world.ts): a "host" namespace
 * (where kuma-gitops reconciles example-server) and a "peer" namespace on a veth pair (eth0 on both ends, 10.77.x.1
 * and .2, x random), the temp dir with token, state and a copy of desired-state/, a service user and tracked
 * processes. Names are `kgsbx-<pid>-<rand>[-label]` and the service user is marked with the pid, so leftovers of a
 * killed run (dead pid) are removed at the next start while concurrent runs are left alone. The kuma-dp user (uid
 * 5678) is created by the product and deliberately left in place: every sandbox and test shares it.
 * Every command is an argument array; nothing goes through a shell.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProcessSupervisor } from '../../src/supervisor/process-supervisor.js';
import { cliArgv, HOST_NAME } from './world/cli.js';
import { must, type Result, sleep } from './world/exec.js';
import { type HostDoc, hostDoc, yamlText } from './world/host-yaml.js';
import { type Backend, type Family, tools, withoutTimestampsAndCounters } from './world/iptables.js';
import { addUser, removeUser } from './world/users.js';
import { createWorld, type ProbeResult, removeDeadRuns, type Where } from './world/world.js';

export const SANDBOX_NAMES = { prefix: 'kgsbx-', tempPrefix: 'kgsbx-', userTag: 'kgsbx' };
// A system python the service user can run (root's PATH may hold a pyenv shim under /root, unreadable to it).
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find(existsSync);

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
  cli(args: string[], options?: { timeoutMs?: number }): Promise<Result>;
  /** A command in the host namespace, as root or (runuser) as `user`. Never throws on a non-zero exit. */
  inHost(cmd: string[], options?: { user?: string; input?: string }): Promise<Result>;
  inPeer(cmd: string[], options?: { user?: string; input?: string }): Promise<Result>;
  /** probe.mjs (tcp|http|dns HOST PORT ...) in a namespace; its JSON line, e.g. {ok:true,text:'kuma-dp-standin ...'}. */
  probe(where: Where, args: string[], options?: { user?: string }): Promise<ProbeResult>;
  /** `python3 -m http.server 8080` as the service user in the host namespace; resolves once it answers. */
  startService(): Promise<number>;
  /** A TCP listener in a namespace that answers each connection with `kgsbx-listener ns=<host|peer> port=<port>`. */
  listen(where: Where, port: number): Promise<number>;
  /**
   * The backend's iptables/ip6tables with `-w` and `args` in the host namespace (e.g. to cause drift). The xtables
   * lock of legacy is one file for every namespace: `-w` waits for it instead of failing.
   */
  iptables(family: Family, args: string[]): Promise<Result>;
  /**
   * The host namespace's `*-save` of the chosen backend. By default without the `#` lines (they carry a timestamp)
   * and with chain counters zeroed (traffic changes them); `{ raw: true }` for the output as printed.
   */
  save(family: Family, options?: { raw?: boolean }): Promise<string>;
  /** Stops kuma-dp (supervisor), kills everything in both namespaces, removes namespaces, dirs and user. Idempotent. */
  cleanup(): Promise<void>;
}

/** Removes what sandboxes of dead processes left: namespaces (and what runs in them), /etc/netns dirs, temp dirs, users. */
export const removeLeftoverSandboxes = (): Promise<string[]> => removeDeadRuns(SANDBOX_NAMES);

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (process.getuid?.() !== 0) throw new Error('a sandbox needs root (network namespaces, users, iptables)');
  await removeLeftoverSandboxes();
  const backend = options.backend ?? 'nft';
  const ipv6 = options.ipv6 ?? false;
  const subnet = 1 + (randomBytes(1)[0]! % 250);
  const w = await createWorld({ ...SANDBOX_NAMES, label: options.name, subnet, links: ['eth0', 'eth0'], ipv6 });
  const serviceUser = `${SANDBOX_NAMES.prefix}${randomBytes(4).toString('hex')}`;
  const doc = () => hostDoc({ ...w, serviceUser });
  const writeRepoFile = (path: string, text: string) => {
    writeFileSync(join(w.repo, path), text);
    return w.repo;
  };
  // Stopped the product's way first; whatever is left is killed with the namespaces.
  w.beforeKill(async () => {
    const supervisor = createProcessSupervisor({ host: HOST_NAME, stateDir: w.stateDir, netns: w.hostNs });
    await supervisor.stop({ timeoutMs: 10_000 }).catch(() => undefined);
  });
  w.onCleanup(() => removeUser(serviceUser));
  try {
    mkdirSync(w.stateDir);
    // REFERENCE §3.2: when only legacy has rules (nat, raw or mangle), kumactl picks legacy. An unreferenced chain
    // changes no packet's path.
    if (backend === 'legacy') {
      const legacy = ['ip', 'netns', 'exec', w.hostNs, 'iptables-legacy', '-w', '-t', 'nat'];
      await must([...legacy, '-N', 'KGSBX_FOREIGN']);
      await must([...legacy, '-A', 'KGSBX_FOREIGN', '-j', 'RETURN']);
    }
    await addUser(serviceUser, SANDBOX_NAMES.userTag);
    writeRepoFile(`hosts/${HOST_NAME}.yaml`, yamlText(doc()));
  } catch (error) {
    await w.cleanup().catch(() => undefined);
    throw error;
  }
  const untilAnswers = async (where: Where, args: string[], what: string) => {
    for (let i = 0; i < 50; i++) {
      if ((await w.probe(where, args)).ok) return;
      await sleep(100);
    }
    throw new Error(`sandbox ${w.id}: ${what} did not answer within 5 s`);
  };

  const { id, hostNs, peerNs, hostAddress, peerAddress, hostAddress6, peerAddress6, dir, repo, stateDir } = w;
  return {
    ...{ id, hostNs, peerNs, hostAddress, peerAddress, dir, repo, stateDir },
    ...(ipv6 ? { hostAddress6, peerAddress6 } : {}),
    tokenFile: w.files.token,
    backend,
    ipv6,
    serviceUser,
    hostDoc: doc,
    writeHostFile: (hostDoc, host = HOST_NAME) => writeRepoFile(`hosts/${host}.yaml`, yamlText(hostDoc)),
    writeTproxyFile: (name, tproxy) => writeRepoFile(`tproxy/${name}.yaml`, yamlText(tproxy)),
    cli([command = 'plan', ...rest], o = {}) {
      // The host's files are written into the sandbox's folder: the host-side policy must allow it.
      const flags = {
        '--repo': w.repo,
        '--netns': w.hostNs,
        '--state-dir': w.stateDir,
        '--host': HOST_NAME,
        '--allow-write-root': w.dir,
      };
      return w.exec(cliArgv(command, rest, flags), { timeoutMs: o.timeoutMs ?? 180_000 });
    },
    inHost: (cmd, o) => w.inNs('host', cmd, o),
    inPeer: (cmd, o) => w.inNs('peer', cmd, o),
    probe: (where, args, o = {}) => w.probe(where, args, o.user),
    async startService() {
      if (PYTHON === undefined) throw new Error('the service needs /usr/bin/python3: apt-get install python3');
      const pid = w.spawnIn('host', [PYTHON, '-m', 'http.server', '8080'], serviceUser).pid ?? -1;
      await untilAnswers('host', ['http', '127.0.0.1', '8080', '/'], 'the service on port 8080');
      return pid;
    },
    listen: (where, port) => w.listen(where, port, `kgsbx-listener ns=${where} port=${port}`),
    iptables: (family, args) => w.inNs('host', [tools(backend, family).iptables, '-w', ...args]),
    async save(family, o = {}) {
      const r = await w.inNs('host', [tools(backend, family).save]);
      if (r.code !== 0) throw new Error(`sandbox ${w.id}: ${family} save failed: ${r.stderr.trim()}`);
      return o.raw ? r.stdout : withoutTimestampsAndCounters(r.stdout);
    },
    cleanup: w.cleanup,
  };
}
