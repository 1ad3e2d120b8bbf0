/**
 * Drives the stand-in kuma-dp from tests: temp files, free ports, the process itself (argument arrays, no shell)
 * and clients for its readiness and redirect listeners (its DNS listener: dns-client.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const STANDIN = fileURLToPath(new URL('./kuma-dp.mjs', import.meta.url));

/** The guide's Dataplane for transparent proxying, with the redirect ports given (the guide's are 15006/15001). */
export const guideTemplate = (inbound: number, outbound: number): string => `type: Dataplane
mesh: default
name: {{ name }}
networking:
  address: {{ address }}
  inbound:
    - port: {{ port }}
      tags:
        kuma.io/service: example-server
  transparentProxying:
    redirectPortInbound: ${inbound}
    redirectPortOutbound: ${outbound}
`;

export const TOKEN = `kgtest-token-${randomBytes(6).toString('hex')}`;

/** Ports free for both TCP and UDP on loopback, held together while choosing so they are distinct. */
export async function freePorts(n: number): Promise<number[]> {
  const held: Array<net.Server | dgram.Socket> = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      held.push(server);
      const port = (server.address() as net.AddressInfo).port;
      const udp = dgram.createSocket('udp4');
      const ok = await new Promise<boolean>((resolve) => {
        udp.once('error', () => resolve(false));
        udp.bind(port, '127.0.0.1', () => resolve(true));
      });
      if (ok) {
        held.push(udp);
        ports.push(port);
      } else udp.close();
    }
    return ports;
  } finally {
    for (const h of held) h.close();
  }
}

export interface Fixture {
  dir: string;
  tokenFile: string;
  templateFile: string;
  readiness: number;
  inbound: number;
  outbound: number;
  dns: number;
  /** The guide's `kuma-dp run` flags (paths and ports of this fixture). */
  guideArgs: string[];
  /** The env every run needs: readiness and DNS port, loopback-only listeners. */
  env: Record<string, string>;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'kgtest-standin-'));
  const [readiness, inbound, outbound, dns] = (await freePorts(4)) as [number, number, number, number];
  const tokenFile = join(dir, 'example-server-token');
  const templateFile = join(dir, 'example-server-dataplane.yaml');
  await writeFile(tokenFile, TOKEN);
  await writeFile(templateFile, guideTemplate(inbound, outbound));
  const guideArgs = [
    'run',
    '--cp-address=https://192.0.2.1:5678',
    `--dataplane-token-file=${tokenFile}`,
    `--dataplane-file=${templateFile}`,
    '--dataplane-var=name=example-server-dataplane',
    '--dataplane-var=address=192.0.2.10',
    '--dataplane-var=port=8080',
    '--binary-path=/usr/local/bin/envoy',
    '--dns-coredns-path=/usr/local/bin/coredns',
  ];
  const env = {
    KUMA_READINESS_PORT: String(readiness),
    KUMA_DNS_CORE_DNS_PORT: String(dns),
    // Outside a namespace the stand-in must not bind wildcards on this machine.
    KUMA_STANDIN_LISTEN_ADDRESSES: '127.0.0.1,::1',
  };
  return { dir, tokenFile, templateFile, readiness, inbound, outbound, dns, guideArgs, env };
}

export const removeFixture = (f: Fixture): Promise<void> => rm(f.dir, { recursive: true, force: true });

/** One fixture for the whole test file (filled in beforeAll, removed in afterAll); no stand-in outlives a test. */
export function sharedFixture(): Fixture {
  const f = {} as Fixture;
  beforeAll(async () => {
    Object.assign(f, await makeFixture());
  });
  afterEach(() => killAll());
  afterAll(async () => {
    killAll();
    if (f.dir !== undefined) await removeFixture(f);
  });
  return f;
}

export interface LogEvent {
  event: string;
  details: Record<string, unknown>;
  time: number;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  events(): LogEvent[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log event of that name, or rejects after `timeoutMs`. */
  waitForEvent(event: string, timeoutMs?: number): Promise<LogEvent>;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every stand-in a test left behind. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function parseLog(stdout: string): LogEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [time, , event, json] = line.split('\t');
      return { event: event ?? '', details: JSON.parse(json ?? '{}'), time: Date.parse(time ?? '') };
    });
}

/** Starts `command` (default: the stand-in file itself, through its shebang) with only PATH inherited. */
export function start(args: string[], env: Record<string, string>, command: string[] = [STANDIN]): Running {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const events = () => parseLog(out);
  const waitForEvent = (event: string, timeoutMs = 5000) =>
    until(async () => events().find((e) => e.event === event), timeoutMs, `log event '${event}'\n${out}${err}`);
  return { child, stdout: () => out, stderr: () => err, events, exited, waitForEvent };
}

/** Runs to completion (killed after `timeoutMs`) and returns exit code and output. */
export async function runToExit(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 5000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args, env);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
  const { code } = await r.exited;
  clearTimeout(timer);
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** Polls `fn` every 20 ms until it returns something other than undefined. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET without keep-alive; undefined when nothing listens. */
export function get(port: number, path = '/ready', host = '127.0.0.1'): Promise<HttpAnswer | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

/** Everything a TCP listener sends before it closes; rejects on refusal. */
export function readTcp(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = net.connect({ port, host });
    socket.setTimeout(2000, () => socket.destroy(new Error('no close within 2 s')));
    socket.on('data', (d) => {
      data += d;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
