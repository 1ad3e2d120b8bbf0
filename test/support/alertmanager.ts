import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Debian's own Alertmanager (prometheus-alertmanager 0.25) for the alert tests and the demo, on 127.0.0.1 at a free
 * port, with `--cluster.listen-address=` so it opens no gossip port, routing every alert at once to `webhook`.
 */
export interface Alertmanager {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Start it again on the same port (after stop). */
  start(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startAlertmanager(dir: string, webhook: string, port?: number): Promise<Alertmanager> {
  const p = port ?? (await freePort());
  mkdirSync(join(dir, 'am-data'), { recursive: true });
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    `route:
  receiver: hook
  group_by: [alertname, host, class]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${webhook}
        send_resolved: true
`,
  );
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const am: Alertmanager = {
    url: `http://127.0.0.1:${p}`,
    port: p,
    async start() {
      child = spawn(
        'prometheus-alertmanager',
        [
          `--config.file=${config}`,
          `--storage.path=${join(dir, 'am-data')}`,
          `--web.listen-address=127.0.0.1:${p}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr!.on('data', (d) => {
        output += d;
      });
      exited = new Promise((resolve) => child!.once('exit', () => resolve()));
      const started = Date.now();
      for (;;) {
        const ready = await fetch(`${am.url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) return;
        if (Date.now() - started > 30_000 || child.exitCode !== null)
          throw new Error(`alertmanager did not start: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited;
    },
  };
  await am.start();
  return am;
}

export interface AlertNote {
  status: string;
  labels: Record<string, string>;
}

/**
 * Alertmanager in `dir`, notifying a receiver in this process: `notes` collects every alert it sends (firing and
 * resolved), `close` stops both.
 */
export async function startAlertmanagerWithReceiver(
  dir: string,
): Promise<{ url: string; notes: AlertNote[]; close(): Promise<void> }> {
  const notes: AlertNote[] = [];
  const receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      notes.push(...(JSON.parse(body) as { alerts: AlertNote[] }).alerts);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const am = await startAlertmanager(dir, `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`);
  return {
    url: am.url,
    notes,
    async close() {
      await am.stop();
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    },
  };
}
