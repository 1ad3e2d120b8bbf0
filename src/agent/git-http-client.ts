import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { KumaGitopsError } from '../errors.js';
import { type ProxySettings, proxyFor, tunnelAgent, viaHttpProxy } from './git-proxy.js';

/**
 * isomorphic-git's HTTP client on Node's own http/https: a private CA through the https agent, a time limit on every
 * request (a server that accepts and never answers must not hang the agent), credentials sent with the first request
 * (isomorphic-git asks `onAuth` only after a 401, which doubles every request), and a byte count for the metrics.
 * The Authorization header never appears in an error: messages carry the URL (which holds no credentials: the config
 * refuses them) and the status only.
 */
export interface GitHttpOptions {
  /** Header value for `Authorization`, e.g. `Basic ...`. */
  authorization?: string;
  /** PEM text of the CA(s) that sign the server's certificate. */
  ca?: string;
  timeoutMs: number;
  /** Where a proxy is to be used (agent/git-proxy.ts). */
  proxy?: ProxySettings;
  /** Each request's kind and duration, for the metrics. */
  onRequest?: (request: 'refs' | 'pack' | 'other', seconds: number) => void;
}

export interface CountingHttpClient extends HttpClient {
  /**
   * Requests made, body bytes received and sent, and bytes on the wire both ways (request and status lines, headers
   * and bodies: each request has its own connection) since creation.
   */
  readonly counters: { requests: number; bytesIn: number; bytesOut: number; wireBytes: number };
}

export class GitHttpError extends KumaGitopsError {}

export function createGitHttpClient(o: GitHttpOptions): CountingHttpClient {
  // No keep-alive: a poll every minute gains nothing from an idle connection, and each request's bytes on the wire
  // are then its own connection's.
  const agents: { http: HttpAgent; https: HttpsAgent } = {
    http: new HttpAgent({ keepAlive: false }),
    https: new HttpsAgent({ keepAlive: false, ...(o.ca !== undefined ? { ca: o.ca } : {}) }),
  };
  const counters = { requests: 0, bytesIn: 0, bytesOut: 0, wireBytes: 0 };
  const tunnels = new Map<string, HttpsAgent>();
  const tunnel = (proxy: URL) => {
    let agent = tunnels.get(proxy.href);
    if (!agent) {
      agent = tunnelAgent(proxy, o.ca !== undefined ? { ca: o.ca } : {});
      tunnels.set(proxy.href, agent);
    }
    return agent;
  };

  async function request(r: GitHttpRequest): Promise<GitHttpResponse> {
    const started = performance.now();
    try {
      return await send(r);
    } finally {
      const kind = r.url.includes('/info/refs') ? 'refs' : r.url.endsWith('/git-upload-pack') ? 'pack' : 'other';
      o.onRequest?.(kind, (performance.now() - started) / 1000);
    }
  }

  async function send(r: GitHttpRequest): Promise<GitHttpResponse> {
    const chunks: Uint8Array[] = [];
    if (r.body) for await (const chunk of r.body) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(r.url);
    const headers: Record<string, string> = { ...r.headers };
    if (o.authorization !== undefined) headers.Authorization = o.authorization;
    if (body.length > 0) headers['Content-Length'] = String(body.length);
    counters.requests++;
    counters.bytesOut += body.length;
    const proxy = o.proxy === undefined ? undefined : proxyFor(url, o.proxy);
    const tls = url.protocol === 'https:';
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const common = { method: r.method ?? 'GET', timeout: o.timeoutMs };
      const req =
        proxy !== undefined && !tls
          ? (() => {
              const via = viaHttpProxy(url, proxy);
              return httpRequest(
                { ...common, ...via, headers: { ...headers, ...via.headers }, agent: agents.http },
                resolve,
              );
            })()
          : (tls ? httpsRequest : httpRequest)(
              url,
              { ...common, headers, agent: tls ? (proxy ? tunnel(proxy) : agents.https) : agents.http },
              resolve,
            );
      req.on('timeout', () =>
        req.destroy(
          new GitHttpError('agent.git-timeout', `${redact(r.url)}: no answer within ${o.timeoutMs} ms`, {
            url: redact(r.url),
          }),
        ),
      );
      req.on('error', reject);
      req.end(body);
    });
    // The body is read whole, under the same time limit: a server that stalls mid-pack is a timeout too.
    const socket = res.socket;
    const data = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      const timer = setTimeout(
        () =>
          res.destroy(
            new GitHttpError('agent.git-timeout', `${redact(r.url)}: the answer stalled for ${o.timeoutMs} ms`, {
              url: redact(r.url),
            }),
          ),
        o.timeoutMs,
      );
      res.on('data', (c: Buffer) => {
        parts.push(c);
        counters.bytesIn += c.length;
        timer.refresh();
      });
      res.on('end', () => {
        clearTimeout(timer);
        counters.wireBytes += (socket?.bytesRead ?? 0) + (socket?.bytesWritten ?? 0);
        resolve(Buffer.concat(parts));
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    return {
      url: r.url,
      method: r.method ?? 'GET',
      statusCode: res.statusCode ?? 0,
      statusMessage: res.statusMessage ?? '',
      headers: Object.fromEntries(
        Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
      ),
      body: (async function* () {
        yield new Uint8Array(data);
      })(),
    };
  }
  return { request, counters };
}

/** A URL as it may be shown: user info removed (the config refuses it, but a redirect could carry one). */
export function redact(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@]*@/, '$1');
}
