/**
 * Shared fixtures for the live-state tests: rule payloads loaded into throw-away namespaces, a per-namespace
 * resolv.conf (what `ip netns exec` bind-mounts), and a tiny /ready server started inside a namespace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from '../support/netns.js';

/** Docker-like foreign rules in nat and filter: what must survive every read untouched. */
export const FOREIGN_RULES = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j RETURN
COMMIT
`;

/**
 * A small Kuma-owned part: its chains and a commented jump, enough to tell it apart from the foreign rules. It
 * redirects only traffic to a documentation range, so the namespace's loopback (the readiness probe) still works.
 */
export const kumaRules = (family: 'ipv4' | 'ipv6' = 'ipv4') => `*nat
:KUMA_MESH_OUTBOUND - [0:0]
:KUMA_MESH_OUTBOUND_REDIRECT - [0:0]
-A KUMA_MESH_OUTBOUND_REDIRECT -p tcp -j REDIRECT --to-ports 15001
-A KUMA_MESH_OUTBOUND -d ${family === 'ipv4' ? '192.0.2.0/24' : '2001:db8::/32'} -p tcp -j KUMA_MESH_OUTBOUND_REDIRECT
-A OUTPUT -p tcp -m comment --comment "kuma/mesh/transparent/proxy: redirect outbound" -j KUMA_MESH_OUTBOUND
COMMIT
`;

export const KUMA_RULES = kumaRules('ipv4');

/** A nat table with a DOCKER_OUTPUT chain (Docker's embedded DNS). */
export const DOCKER_OUTPUT_RULES = `*nat
:DOCKER_OUTPUT - [0:0]
-A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
COMMIT
`;

export async function restore(ns: Netns, tool: string, payload: string): Promise<void> {
  await ns.exec(tool, ['--noflush'], payload);
}

/**
 * /etc/netns/NS/resolv.conf, removed with its directory by the returned function; /etc/netns itself too when this
 * call created it and nobody else put anything there meanwhile (rmdir fails on a non-empty directory).
 */
export async function writeNetnsResolvConf(ns: Netns, content: string): Promise<() => Promise<void>> {
  const created = await mkdir('/etc/netns', { recursive: true });
  const dir = join('/etc/netns', ns.name);
  await mkdir(dir);
  await writeFile(join(dir, 'resolv.conf'), content);
  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (created !== undefined) await rmdir('/etc/netns').catch(() => undefined);
  };
}

const READY_SERVER = `
const http = require('node:http');
const [address, status] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  if (req.url !== '/ready') { res.writeHead(404); res.end('not found'); return; }
  if (status === 'hang') return;
  res.writeHead(Number(status), { 'content-type': 'text/plain' });
  res.end(status === '200' ? 'READY' : 'NOT_READY');
});
server.listen(0, address, () => console.log(server.address().port));
`;

export interface ReadyServer {
  /** The server process itself (`ip netns exec` execs it). */
  pid: number;
  port: number;
  stop(): Promise<void>;
}

const readyServers: ReadyServer[] = [];

/**
 * A /ready server inside the namespace answering `status` (a code, or `hang` to never answer); `ip netns exec`
 * execs node, so the child's pid is the server's and killing it leaves nothing behind. See stopReadyServers.
 */
export async function startReadyServer(ns: Netns, address: string, status: string): Promise<ReadyServer> {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', READY_SERVER, address, status], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`ready server exited with ${code}`)));
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  const server = { pid: child.pid!, port, stop: () => stopChild(child) };
  readyServers.push(server);
  return server;
}

/** Stops every server startReadyServer started (for afterEach); stopping one twice is harmless. */
export async function stopReadyServers(): Promise<void> {
  await Promise.all(readyServers.splice(0).map((s) => s.stop()));
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const tempDirs: string[] = [];

/** A directory under the system temp dir (mode 0755, so other users may search it); see removeTempDirs. */
export async function tempDir(name: string): Promise<string> {
  const dir = join(tmpdir(), `kgtest-live-${process.pid}-${name}-${Math.random().toString(16).slice(2, 8)}`);
  await mkdir(dir, { mode: 0o755 });
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
