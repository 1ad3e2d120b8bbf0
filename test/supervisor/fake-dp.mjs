#!/usr/bin/env node
// A tiny kuma-dp for the supervisor tests: logs what it was started with, serves GET /ready on 127.0.0.1 at
// KUMA_READINESS_PORT (503 NOT_READY, then 200 READY) and drains on SIGTERM. Switches (env):
//   FAKE_READY_AFTER_MS=N   ready N ms after start (default 0)        FAKE_NEVER_READY=1   stays 503
//   FAKE_DRAIN_MS=N         exits N ms after SIGTERM (default 100)    FAKE_IGNORE_TERM=1   ignores SIGTERM
//   FAKE_CRASH_AFTER_MS=N   exits 1 after N ms                        FAKE_CHILD=1         starts `sleep` like envoy,
//                                                                     and leaves it behind when it exits
import { spawn } from 'node:child_process';
import http from 'node:http';

const env = process.env;
const started = Date.now();
let terminating = false;
const log = (event, details = {}) => process.stdout.write(`fake-dp ${event} ${JSON.stringify(details)}\n`);

log('starting', { pid: process.pid, uid: process.getuid(), argv: process.argv.slice(2), env: Object.keys(env).sort() });

if (env.FAKE_CHILD === '1') {
  const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
  log('child', { pid: child.pid });
}

const port = Number(env.KUMA_READINESS_PORT ?? 9902);
const server = http.createServer((req, res) => {
  const ready =
    !terminating && env.FAKE_NEVER_READY !== '1' && Date.now() - started >= Number(env.FAKE_READY_AFTER_MS ?? 0);
  if (req.url !== '/ready') res.writeHead(404).end('404 page not found');
  else if (terminating) res.writeHead(503).end('TERMINATING');
  else res.writeHead(ready ? 200 : 503).end(ready ? 'READY' : 'NOT_READY');
});
server.listen(port, '127.0.0.1', () => log('listening', { port }));

if (env.FAKE_CRASH_AFTER_MS !== undefined) {
  setTimeout(() => {
    log('crashing');
    process.exit(1);
  }, Number(env.FAKE_CRASH_AFTER_MS));
}

process.on('SIGTERM', () => {
  if (env.FAKE_IGNORE_TERM === '1') return log('ignoring SIGTERM');
  terminating = true;
  log('draining');
  setTimeout(
    () => {
      log('exiting');
      process.exit(0);
    },
    Number(env.FAKE_DRAIN_MS ?? 100),
  );
});
