/** A DNS client for the stand-in's DNS listener: one-question queries over UDP, and their answers decoded. */
import dgram from 'node:dgram';

export const TYPE = { A: 1, TXT: 16, AAAA: 28 } as const;

export function dnsQuery(id: number, name: string, qtype: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD=1, one question
  const tail = Buffer.from([0, qtype >> 8, qtype & 0xff, 0, 1]);
  return Buffer.concat([header, ...labels, tail]);
}

/** Sends one UDP packet and returns the first reply, or undefined after `timeoutMs`. */
export function udpExchange(port: number, host: string, packet: Buffer, timeoutMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('message', (msg) => done(msg));
    socket.on('error', () => done(undefined));
    socket.send(packet, port, host);
  });
}

export interface DnsAnswer {
  id: number;
  flags: number;
  question: Buffer;
  answers: Array<{ namePointer: number; type: number; cls: number; ttl: number; data: Buffer }>;
}

/** Decodes a response to a one-question query (answers named by pointer, as the stand-in writes them). */
export function parseDnsResponse(msg: Buffer, queryLength: number): DnsAnswer {
  const answers: DnsAnswer['answers'] = [];
  let at = queryLength;
  for (let n = 0; n < msg.readUInt16BE(6); n++) {
    const len = msg.readUInt16BE(at + 10);
    answers.push({
      namePointer: msg.readUInt16BE(at),
      type: msg.readUInt16BE(at + 2),
      cls: msg.readUInt16BE(at + 4),
      ttl: msg.readUInt32BE(at + 6),
      data: msg.subarray(at + 12, at + 12 + len),
    });
    at += 12 + len;
  }
  if (at !== msg.length) throw new Error(`DNS response has ${msg.length - at} trailing bytes`);
  return { id: msg.readUInt16BE(0), flags: msg.readUInt16BE(2), question: msg.subarray(12, queryLength), answers };
}
