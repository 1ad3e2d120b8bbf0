import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * OpenSSH's SSHSIG signatures (PROTOCOL.sshsig in openssh-portable; `ssh-keygen -Y sign`, git's gpg.format=ssh),
 * verified with node:crypto: no npm package implements the format. Blob: "SSHSIG", uint32 version 1, string public
 * key, string namespace, string reserved, string hash algorithm, string signature; the signed data is "SSHSIG",
 * string namespace, string reserved, string hash algorithm, string H(message). Key types: ssh-ed25519, ssh-rsa with
 * rsa-sha2-256/512 signatures (SHA-1 `ssh-rsa` signatures are refused, as sshsig.c does), ecdsa-sha2-nistp256/384/521.
 * Security-key types (sk-*) and certificates are not supported and verify as false.
 */
export interface SshSignature {
  /** The signer's public key blob (SSH wire format), as in allowed_signers after base64 decoding. */
  publicKey: Buffer;
  namespace: string;
  hashAlgorithm: string;
  /** Signed data, ready to verify. */
  signedData: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
}

class Reader {
  at = 0;
  constructor(readonly b: Buffer) {}
  u32(): number {
    if (this.at + 4 > this.b.length) throw new Error('truncated');
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    if (this.at + n > this.b.length) throw new Error('truncated');
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  text = () => this.bytes().toString('latin1');
}

const sshString = (b: Buffer | string) => {
  const body = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};

/** Parse an armored SSH signature over `message`; undefined when it is not a well-formed SSHSIG. */
export function parseSshSignature(armored: string, message: Uint8Array): SshSignature | undefined {
  const m = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(armored);
  if (!m) return undefined;
  try {
    const blob = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
    if (blob.subarray(0, 6).toString('latin1') !== 'SSHSIG') return undefined;
    const r = new Reader(blob);
    r.at = 6;
    if (r.u32() !== 1) return undefined;
    const publicKey = r.bytes();
    const namespace = r.text();
    const reserved = r.bytes();
    const hashAlgorithm = r.text();
    const sig = new Reader(r.bytes());
    const signatureAlgorithm = sig.text();
    const signature = sig.bytes();
    if (hashAlgorithm !== 'sha256' && hashAlgorithm !== 'sha512') return undefined;
    const digest = createHash(hashAlgorithm).update(message).digest();
    const signedData = Buffer.concat([
      Buffer.from('SSHSIG', 'latin1'),
      sshString(namespace),
      sshString(reserved),
      sshString(hashAlgorithm),
      sshString(digest),
    ]);
    return { publicKey, namespace, hashAlgorithm, signedData, signatureAlgorithm, signature };
  } catch {
    return undefined;
  }
}

const CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  nistp256: { crv: 'P-256', hash: 'sha256', size: 32 },
  nistp384: { crv: 'P-384', hash: 'sha384', size: 48 },
  nistp521: { crv: 'P-521', hash: 'sha512', size: 66 },
};

const b64u = (b: Buffer) => b.toString('base64url');
/** An SSH mpint as unsigned big-endian bytes of a fixed width. */
const unsigned = (b: Buffer, size?: number) => {
  let v = b;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  if (size === undefined || v.length >= size) return v;
  return Buffer.concat([Buffer.alloc(size - v.length), v]);
};

/** Whether the signature is valid for its own public key (who that key belongs to is allowed_signers' question). */
export function verifySshSignature(s: SshSignature): boolean {
  try {
    const k = new Reader(s.publicKey);
    const type = k.text();
    let key: KeyObject;
    if (type === 'ssh-ed25519') {
      if (s.signatureAlgorithm !== 'ssh-ed25519') return false;
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(k.bytes()) }, format: 'jwk' });
      return verify(null, s.signedData, key, s.signature);
    }
    if (type === 'ssh-rsa') {
      const e = unsigned(k.bytes());
      const n = unsigned(k.bytes());
      const hash = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512' }[s.signatureAlgorithm];
      if (hash === undefined) return false;
      key = createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
      return verify(hash, s.signedData, key, s.signature);
    }
    const ec = /^ecdsa-sha2-(nistp256|nistp384|nistp521)$/.exec(type);
    if (ec) {
      const curve = CURVES[ec[1]!]!;
      if (k.text() !== ec[1] || s.signatureAlgorithm !== type) return false;
      const q = k.bytes();
      if (q[0] !== 4 || q.length !== 1 + 2 * curve.size) return false;
      key = createPublicKey({
        key: { kty: 'EC', crv: curve.crv, x: b64u(q.subarray(1, 1 + curve.size)), y: b64u(q.subarray(1 + curve.size)) },
        format: 'jwk',
      });
      const rs = new Reader(s.signature);
      const raw = Buffer.concat([unsigned(rs.bytes(), curve.size), unsigned(rs.bytes(), curve.size)]);
      return verify(curve.hash, s.signedData, { key, dsaEncoding: 'ieee-p1363' }, raw);
    }
    return false;
  } catch {
    return false;
  }
}
