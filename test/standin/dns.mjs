// The stand-in's DNS listener: answers every query so a client (dig, getent, a raw UDP test) can tell that its query
// was redirected here. A queries get A 127.0.0.53; every other type gets TXT "kuma-dp-standin port=<port>".
import dgram from 'node:dgram';

export const STANDIN_A_RECORD = '127.0.0.53';
const TYPE_A = 1;
const TYPE_TXT = 16;
const CLASS_IN = 1;
const TTL_SECONDS = 5;

/** Offset just past the question's QNAME, or undefined when it is malformed (pointers do not belong in a query). */
function endOfName(msg, offset) {
  let at = offset;
  for (let hops = 0; hops < 128 && at < msg.length; hops++) {
    const len = msg[at];
    if (len === 0) return at + 1;
    if (len > 63) return undefined;
    at += 1 + len;
  }
  return undefined;
}

/** The response to one query packet, or undefined for something that is not a query with one question. */
export function buildDnsResponse(query, port) {
  if (query.length < 12) return undefined;
  const flags = query.readUInt16BE(2);
  const qdcount = query.readUInt16BE(4);
  if (flags & 0x8000 || qdcount !== 1) return undefined; // a response, or not exactly one question
  const nameEnd = endOfName(query, 12);
  if (nameEnd === undefined || nameEnd + 4 > query.length) return undefined;
  const question = query.subarray(12, nameEnd + 4);
  const qtype = query.readUInt16BE(nameEnd);

  let type = TYPE_TXT;
  let rdata;
  if (qtype === TYPE_A) {
    type = TYPE_A;
    rdata = Buffer.from(STANDIN_A_RECORD.split('.').map(Number));
  } else {
    const text = Buffer.from(`kuma-dp-standin port=${port}`);
    rdata = Buffer.concat([Buffer.from([text.length]), text]);
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // same id
  // QR=1, opcode and RD copied, AA=1, RA=1, rcode 0.
  header.writeUInt16BE(0x8000 | (flags & 0x7900) | 0x0400 | 0x0080, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  const answer = Buffer.alloc(12);
  answer.writeUInt16BE(0xc00c, 0); // name: pointer to the question's QNAME
  answer.writeUInt16BE(type, 2);
  answer.writeUInt16BE(CLASS_IN, 4);
  answer.writeUInt32BE(TTL_SECONDS, 6);
  answer.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, answer, rdata]);
}

/** Binds UDP `port` on each address; an IPv6 address the host lacks is skipped. Resolves to the bound sockets. */
export async function listenDns(port, addresses, log) {
  const sockets = [];
  for (const address of addresses) {
    const v6 = address.includes(':');
    const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    socket.on('message', (msg, rinfo) => {
      const reply = buildDnsResponse(msg, port);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
      else log('dns query ignored', { port, remote: rinfo.address, bytes: msg.length });
    });
    const bound = await new Promise((resolve, reject) => {
      socket.once('error', (error) => {
        if (v6 && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code)) resolve(false);
        else reject(new Error(`dns: cannot listen on udp ${address} port ${port}: ${error.message}`));
      });
      socket.bind(port, address, () => resolve(true));
    });
    if (!bound) {
      log('listener skipped', { listener: 'dns', protocol: 'udp', address, port, reason: 'no IPv6 here' });
      socket.close();
      continue;
    }
    socket.on('error', (error) => log('dns socket error', { address, port, error: error.message }));
    log('listening', { listener: 'dns', protocol: 'udp', address, port });
    sockets.push(socket);
  }
  if (sockets.length === 0) throw new Error(`dns: no address to listen on for port ${port}`);
  return sockets;
}
