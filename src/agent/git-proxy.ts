import { request as httpRequest } from 'node:http';
import { type AgentOptions, Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

/**
 * An HTTP(S) proxy for the git source: `source.proxy` from the config, else HTTPS_PROXY / HTTP_PROXY (either case)
 * from the agent's own environment, with NO_PROXY honoured (`*`, host names matching themselves and their
 * subdomains, a leading dot, `host:port`, exact IP addresses; CIDR ranges are not supported). Node's http client
 * ignores these variables, so the agent does it: plain http through the proxy in absolute form, https through a
 * CONNECT tunnel with TLS to the server inside it (the server's certificate is checked as without a proxy).
 */
export interface ProxySettings {
  http?: URL;
  https?: URL;
  noProxy: string[];
}

export function proxySettings(configured: string | undefined, env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const url = (text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
    } catch {
      return undefined;
    }
  };
  const noProxy = (pick('NO_PROXY', 'no_proxy') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (configured !== undefined) return { http: url(configured), https: url(configured), noProxy };
  return { http: url(pick('HTTP_PROXY', 'http_proxy')), https: url(pick('HTTPS_PROXY', 'https_proxy')), noProxy };
}

/** The proxy for `target`, or undefined to go direct. */
export function proxyFor(target: URL, s: ProxySettings): URL | undefined {
  const proxy = target.protocol === 'https:' ? s.https : s.http;
  if (proxy === undefined) return undefined;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const entry of s.noProxy) {
    if (entry === '*') return undefined;
    const [name, entryPort] = entry.startsWith('[')
      ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
      : entry.split(':');
    if (entryPort !== undefined && entryPort !== port) continue;
    const bare = name!.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return undefined;
  }
  return proxy;
}

const proxyAuthorization = (proxy: URL): Record<string, string> =>
  proxy.username === ''
    ? {}
    : {
        'Proxy-Authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      };

/** Headers and path for a plain http request through `proxy` (absolute form). */
export function viaHttpProxy(
  target: URL,
  proxy: URL,
): { host: string; port: number; path: string; headers: Record<string, string> } {
  return {
    host: proxy.hostname,
    port: Number(proxy.port || 80),
    path: target.href,
    headers: { Host: target.host, ...proxyAuthorization(proxy) },
  };
}

/** An https agent whose connections are CONNECT tunnels through `proxy`, TLS to the server inside them. */
export function tunnelAgent(proxy: URL, options: AgentOptions): HttpsAgent {
  const agent = new HttpsAgent({ keepAlive: false, ...options });
  (agent as unknown as { createConnection: unknown }).createConnection = (
    o: { host: string; port: number; servername?: string; timeout?: number },
    done: (error: Error | null, socket?: Duplex) => void,
  ) => {
    const req = httpRequest({
      host: proxy.hostname,
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: `${o.host}:${o.port}`,
      headers: { Host: `${o.host}:${o.port}`, ...proxyAuthorization(proxy) },
      timeout: o.timeout,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(new Error(`the proxy ${proxy.host} refused the tunnel to ${o.host}:${o.port}: HTTP ${res.statusCode}`));
        return;
      }
      // The identity is checked against the server's name as without a proxy; SNI only for a name, not an address.
      done(
        null,
        tlsConnect({
          ...options,
          socket,
          host: o.host,
          ...(isIP(o.host) ? {} : { servername: o.servername ?? o.host }),
        }),
      );
    });
    req.once('timeout', () => req.destroy(new Error(`the proxy ${proxy.host} did not answer`)));
    req.once('error', (e) => done(e));
    req.end();
  };
  return agent;
}
