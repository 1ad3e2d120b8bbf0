import { request } from 'node:http';
import { pathToFileURL } from 'node:url';

/**
 * One `GET /ready` (REFERENCE §4.3), usable in-process and as a script. A Node process cannot enter a network
 * namespace, so read-ready runs this file with `ip netns exec NS node ready-probe.js ADDRESS PORT TIMEOUT_MS`; the
 * script prints one JSON line (ProbeOutcome) and always exits 0, so only a crash of the probe itself is an error.
 */
export interface ProbeOutcome {
  /** HTTP status code, when an answer came. */
  status?: number;
  /** Why there was no answer (connection refused, timeout, ...). */
  error?: string;
}

export function probeReady(address: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    // `host` takes IPv6 literals like ::1 as they are; no agent, so nothing keeps the process alive afterwards.
    const req = request({ host: address, port, path: '/ready', method: 'GET', agent: false }, (res) => {
      res.resume();
      finish({ status: res.statusCode ?? 0 });
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.end();
  });
}

/** Parses the script's arguments; undefined when they are not ADDRESS PORT TIMEOUT_MS. */
export function parseProbeArgs(
  args: readonly string[],
): { address: string; port: number; timeoutMs: number } | undefined {
  const [address, port, timeoutMs] = args;
  const p = Number(port);
  const t = Number(timeoutMs);
  if (address === undefined || address === '' || !Number.isInteger(p) || p < 1 || p > 65535) return undefined;
  if (!Number.isInteger(t) || t < 1) return undefined;
  return { address, port: p, timeoutMs: t };
}

async function main(args: readonly string[]): Promise<void> {
  const parsed = parseProbeArgs(args);
  if (parsed === undefined) {
    process.stderr.write('usage: ready-probe.js ADDRESS PORT TIMEOUT_MS\n');
    process.exitCode = 64;
    return;
  }
  const outcome = await probeReady(parsed.address, parsed.port, parsed.timeoutMs);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  void main(process.argv.slice(2));
}
