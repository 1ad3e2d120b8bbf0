#!/usr/bin/env node
// A client for the stand-in's listeners that runs anywhere node does, e.g. inside a namespace or as another user:
//   probe.mjs tcp HOST PORT              -> {"ok":true,"text":"kuma-dp-standin port=..."}  (all data until close)
//   probe.mjs http HOST PORT [PATH]      -> {"ok":true,"status":200,"body":"READY"}
//   probe.mjs dns HOST PORT NAME [A|TXT] -> {"ok":true,"id":..,"answers":[{"type":1,"data":"127.0.0.53"}]}
// One JSON line on stdout; {"ok":false,"error":"ECONNREFUSED"} (exit 1) when nothing answers within 2 s.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

const TIMEOUT_MS = 2000;
const [kind, host, portText, ...rest] = process.argv.slice(2);
const port = Number(portText);

const done = (result) => {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(result.ok ? 0 : 1);
};
const failed = (error) => done({ ok: false, error: error.code ?? error.message });
setTimeout(() => done({ ok: false, error: 'timeout' }), TIMEOUT_MS);

function tcp() {
  let text = '';
  const socket = net.connect({ host, port });
  socket.on('data', (d) => {
    text += d;
  });
  socket.on('end', () => done({ ok: true, text }));
  socket.on('error', failed);
}

function httpGet() {
  const req = http.get({ host, port, path: rest[0] ?? '/ready', agent: false }, (res) => {
    let body = '';
    res.on('data', (d) => {
      body += d;
    });
    res.on('end', () => done({ ok: true, status: res.statusCode, headers: res.headers, body }));
  });
  req.on('error', failed);
}

function dns() {
  const [name = 'example.com', type = 'A'] = rest;
  const qtype = type === 'TXT' ? 16 : 1;
  const id = Math.floor(Math.random() * 0xffff);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const query = Buffer.concat([
    Buffer.from([id >> 8, id & 0xff, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, 0, qtype, 0, 1]),
  ]);
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', failed);
  socket.on('message', (msg) => {
    const answers = [];
    let at = query.length;
    for (let n = 0; n < msg.readUInt16BE(6); n++) {
      const type = msg.readUInt16BE(at + 2);
      const data = msg.subarray(at + 12, at + 12 + msg.readUInt16BE(at + 10));
      answers.push({ type, data: type === 1 ? [...data].join('.') : data.subarray(1).toString() });
      at += 12 + data.length;
    }
    done({ ok: true, id: msg.readUInt16BE(0), sameId: msg.readUInt16BE(0) === id, rcode: msg[3] & 0xf, answers });
  });
  socket.send(query, port, host);
}

if (kind === 'tcp') tcp();
else if (kind === 'http') httpGet();
else if (kind === 'dns') dns();
else done({ ok: false, error: `usage: probe.mjs tcp|http|dns HOST PORT ...` });
