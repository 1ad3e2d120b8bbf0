import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Debian's tinyproxy as the HTTP(S) proxy of the agent's proxy tests, on 127.0.0.1 at a free port, in the foreground,
 * its log kept in memory. CONNECT is allowed to every port (no ConnectPort line).
 */
export interface Tinyproxy {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

export async function startTinyproxy(dir: string): Promise<Tinyproxy> {
  const port = await freePort();
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      'Allow 127.0.0.1',
      'User nobody',
      'Group nogroup',
      'LogLevel Info',
      '',
    ].join('\n'),
  );
  // Without a LogFile, tinyproxy in the foreground logs to its standard output (no file the dropped user must reach).
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const start = Date.now();
  while (!(await accepts(port))) {
    if (Date.now() - start > 20_000 || child.exitCode !== null) throw new Error(`tinyproxy did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
