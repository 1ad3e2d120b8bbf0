import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { ROOT_PATH, rootExecutable } from '../system/fixed-path.js';
import type { ReadyAnswer, ReadyTarget } from './ready-probe.js';

/**
 * Node cannot enter a network namespace, so a `/ready` probe for a namespaced host runs inside it. Starting a Node
 * process per probe costs ~50 ms, most of a no-op reconcile; this keeps one probe process per namespace alive for the
 * life of the agent and asks it over stdin/stdout (one JSON line each way). It does not keep the agent alive when
 * idle, and a probe process that dies is simply started again on the next request.
 */
const SERVER = `const http = require('node:http');
let buf = '';
process.stdin.setEncoding('utf8').on('data', (d) => {
  buf += d;
  for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
    const { id, host, port, timeout } = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    const out = (a) => process.stdout.write(JSON.stringify({ id, ...a }) + '\\n');
    const req = http.get({ host, port, path: '/ready', agent: false, timeout }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => out({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within ' + timeout + ' ms')));
    req.on('error', (e) => out({ error: e.message }));
  }
}).on('end', () => process.exit(0));`;

interface Probe {
  child: ChildProcess;
  pending: Map<number, (answer: ReadyAnswer) => void>;
  next: number;
}

const probes = new Map<string, Probe>();

export function askReadyInNetns(netns: string, target: ReadyTarget, timeoutMs: number): Promise<ReadyAnswer> {
  const probe = probes.get(netns) ?? start(netns);
  const id = probe.next++;
  return new Promise((resolve) => {
    // Backstop: the probe process itself may hang or die without answering.
    const timer = setTimeout(
      () => settle({ error: `no answer from the probe within ${timeoutMs + 5_000} ms` }),
      timeoutMs + 5_000,
    );
    const settle = (answer: ReadyAnswer) => {
      clearTimeout(timer);
      probe.pending.delete(id);
      hold(probe);
      resolve(answer);
    };
    probe.pending.set(id, settle);
    hold(probe);
    probe.child.stdin!.write(
      `${JSON.stringify({ id, host: target.address, port: target.port, timeout: timeoutMs })}\n`,
    );
  });
}

function start(netns: string): Probe {
  // Root's fixed PATH and an absolute `ip` (fixed-path.ts); node is this process's own executable.
  const child = spawn(rootExecutable('ip') ?? 'ip', ['netns', 'exec', netns, process.execPath, '-e', SERVER], {
    argv0: 'ip',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: ROOT_PATH, LANG: 'C' },
  });
  const probe: Probe = { child, pending: new Map(), next: 0 };
  probes.set(netns, probe);
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const { id, ...answer } = JSON.parse(buf.slice(0, i)) as ReadyAnswer & { id: number };
      buf = buf.slice(i + 1);
      probe.pending.get(id)?.(answer);
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2_000);
  });
  const gone = (why: string) => {
    if (probes.get(netns) === probe) probes.delete(netns);
    const detail = stderr.trim().split('\n')[0];
    const error = `readiness probe in network namespace ${netns} ${why}${detail ? `: ${detail}` : ''}`;
    for (const settle of [...probe.pending.values()]) settle({ error });
  };
  // 'close', not 'exit': by then stderr has been read, so the reason (e.g. no such namespace) is in the message.
  child.on('close', (code) => gone(`exited (${code})`));
  child.on('error', (e) => gone(`could not start: ${e.message}`));
  // A write to a probe that already died fails with EPIPE; its exit, with the reason on stderr, settles the request.
  child.stdin!.on('error', () => undefined);
  return probe;
}

/** Keep the agent's event loop alive only while a request is outstanding. */
function hold(probe: Probe): void {
  const streams = [probe.child.stdin, probe.child.stdout, probe.child.stderr] as unknown as Socket[];
  if (probe.pending.size > 0) {
    probe.child.ref();
    for (const s of streams) s.ref?.();
  } else {
    probe.child.unref();
    for (const s of streams) s.unref?.();
  }
}
