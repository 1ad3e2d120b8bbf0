// The stand-in's TCP side: the readiness endpoint (REFERENCE §4.3) and the redirect listeners that stand for Envoy's
// inbound and outbound listeners.
import http from 'node:http';
import net from 'node:net';

const READY_HEADERS = {
  'content-type': 'text/plain',
  'cache-control': 'no-cache, max-age=0',
  'x-powered-by': 'kuma-dp',
};

/**
 * kuma-dp's readiness reporter: `/ready` only (any method), else Go's http.NotFound. `state()` is one of
 * 'starting' (503 NOT_READY), 'ready' (200 READY) and 'terminating' (503 TERMINATING).
 */
export function listenReadiness(address, port, state, log) {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/ready') {
      const notFound = '404 page not found\n';
      res.writeHead(404, {
        'content-type': 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'content-length': notFound.length,
      });
      res.end(notFound);
      return;
    }
    const now = state();
    const [status, body] =
      now === 'ready' ? [200, 'READY'] : [503, now === 'terminating' ? 'TERMINATING' : 'NOT_READY'];
    // Go sets Content-Length for a short body; Node would otherwise send it chunked.
    res.writeHead(status, { ...READY_HEADERS, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  // Probes poll; a short keep-alive lets shutdown finish fast without waiting on idle sockets.
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`readiness: cannot listen on ${address} port ${port}: ${error.message}`)),
    );
    server.listen({ host: address, port, ipv6Only: address.includes(':') }, () => {
      log('listening', { listener: 'readiness', protocol: 'tcp', address, port });
      resolve(server);
    });
  });
}

export const hostPort = (address, port) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/**
 * The marker a redirect listener writes to each connection before closing it. Node cannot read SO_ORIGINAL_DST,
 * so the original destination of REDIRECT'ed traffic is unknown here: the local port (the redirect port) and the
 * local address (for inbound: the address of the interface the packet arrived on) are what the marker can carry.
 * IPv4-mapped IPv6 addresses are shown as plain IPv4.
 */
export function markerLine(socket) {
  const plain = (a) => (a ?? '').replace(/^::ffff:(?=\d+\.)/, '');
  const local = plain(socket.localAddress);
  const remote = hostPort(plain(socket.remoteAddress), socket.remotePort);
  return `kuma-dp-standin port=${socket.localPort} local=${local} remote=${remote}\n`;
}

/** Binds TCP `port` on each address (IPv6 sockets v6-only, so both families get their own); resolves to the servers. */
export async function listenMarker(listener, port, addresses, log) {
  const servers = [];
  for (const address of addresses) {
    const v6 = address.includes(':');
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined); // a client that resets early is not our problem
      socket.end(markerLine(socket));
    });
    const bound = await new Promise((resolve, reject) => {
      server.once('error', (error) => {
        if (v6 && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code)) resolve(false);
        else reject(new Error(`${listener}: cannot listen on tcp ${address} port ${port}: ${error.message}`));
      });
      server.listen({ host: address, port, ipv6Only: v6 }, () => resolve(true));
    });
    if (!bound) {
      log('listener skipped', { listener, protocol: 'tcp', address, port, reason: 'no IPv6 here' });
      continue;
    }
    server.on('error', (error) => log('listener error', { listener, address, port, error: error.message }));
    log('listening', { listener, protocol: 'tcp', address, port });
    servers.push(server);
  }
  if (servers.length === 0) throw new Error(`${listener}: no address to listen on for port ${port}`);
  return servers;
}
