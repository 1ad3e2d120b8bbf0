import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real git smart-HTTP server for tests and the demo: Debian git's `git http-backend` CGI behind a small Node HTTP(S)
 * server on 127.0.0.1, with Basic auth and switchable faults. Every request is recorded (method, path, status, bytes
 * sent) so tests can count round trips and bytes on the wire.
 */
/** hang-pack: ref listings are answered, the pack request (POST) never is. */
export type GitServerFault = 'none' | 'status-500' | 'hang' | 'hang-pack' | 'garbage-pack';

export interface GitServerOptions {
  /** Folder holding the served repositories (GIT_PROJECT_ROOT); URLs are `<url>/<repo>`. */
  root: string;
  /** Required credentials; without, anyone may read. */
  auth?: { username: string; password: string };
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  bytesOut: number;
  authorization: boolean;
  /** The Via header a proxy adds, if any. */
  via?: string;
}

export interface GitServer {
  url: string;
  requests: RecordedRequest[];
  fault: GitServerFault;
  close(): Promise<void>;
}

const BACKEND = '/usr/lib/git-core/git-http-backend';

export async function startGitServer(o: GitServerOptions): Promise<GitServer> {
  const sockets = new Set<Socket>();
  const state: GitServer = { url: '', requests: [], fault: 'none', close: async () => undefined };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const record = (status: number) => {
      const entry: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname + url.search,
        status,
        bytesOut: 0,
        authorization: req.headers.authorization !== undefined,
        ...(req.headers.via ? { via: String(req.headers.via) } : {}),
      };
      state.requests.push(entry);
      return entry;
    };
    if (o.auth && req.headers.authorization !== basic(o.auth.username, o.auth.password)) {
      record(401);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    if (state.fault === 'hang' || (state.fault === 'hang-pack' && req.method === 'POST')) {
      record(0);
      return; // accepted, never answered
    }
    if (state.fault === 'status-500') {
      record(500);
      res.writeHead(500).end('internal error');
      return;
    }
    const entry = record(200);
    if (state.fault === 'garbage-pack' && req.method === 'POST') {
      const body = Buffer.from('0008NAK\nthis is not a pack file at all');
      entry.bytesOut = body.length;
      res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' }).end(body);
      return;
    }
    runBackend(o.root, req, url, res, entry);
  };
  const server: Server = o.tls ? createHttpsServer(o.tls, handler) : createHttpServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.close = async () => {
    if (!server.listening) return;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One CGI request: the environment git-http-backend(1) reads, the request body in, its response out. */
function runBackend(root: string, req: IncomingMessage, url: URL, res: ServerResponse, entry: RecordedRequest): void {
  const child = spawn(BACKEND, [], {
    env: {
      PATH: '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: '/nonexistent',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      entry.bytesOut += chunk.length;
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const at = line.indexOf(':');
      const [name, value] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    entry.status = status;
    res.writeHead(status, headers);
    const body = head.subarray(end + 4);
    entry.bytesOut += body.length;
    res.write(body);
  });
  child.on('close', () => res.end());
  child.on('error', () => res.destroy());
}
