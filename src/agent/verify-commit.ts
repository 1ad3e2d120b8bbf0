import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { type AllowedSigner, allowedFor } from './allowed-signers.js';
import { verifyPgpSignature } from './pgp-signature.js';
import { signedCommit } from './signed-payload.js';
import { parseSshSignature, verifySshSignature } from './ssh-signature.js';

/**
 * `verify.mode: head`: the commit to apply must carry a good signature by an allowed key, SSH (allowed_signers,
 * namespace `git`) or OpenPGP (the configured public keys). The verdict is meant to equal `git verify-commit`'s.
 */
export interface Trust {
  signers?: readonly AllowedSigner[];
  /** Armored OpenPGP public keys. */
  pgpKeys?: string;
}

export type Verdict =
  | { ok: true; kind: 'ssh' | 'pgp'; signer: string }
  | { ok: false; code: 'agent.unsigned' | 'agent.signature-bad' | 'agent.signer-not-allowed'; reason: string };

export async function verifyCommit(gitdir: string, commit: string, trust: Trust): Promise<Verdict> {
  const { object } = await git.readObject({ fs, gitdir, oid: commit, format: 'content' });
  const c = signedCommit(object as Uint8Array);
  const short = commit.slice(0, 12);
  if (c.signature === undefined) {
    return { ok: false, code: 'agent.unsigned', reason: `commit ${short} is not signed, and verify.mode is head` };
  }
  if (c.signature.includes('-----BEGIN SSH SIGNATURE-----')) {
    const s = parseSshSignature(c.signature, c.payload);
    if (s === undefined || s.namespace !== 'git' || !verifySshSignature(s)) {
      const why =
        s === undefined
          ? 'unreadable'
          : s.namespace !== 'git'
            ? `made for namespace "${s.namespace}", not "git"`
            : 'does not match the commit';
      return { ok: false, code: 'agent.signature-bad', reason: `the SSH signature of commit ${short} is ${why}` };
    }
    const signer = allowedFor(trust.signers ?? [], s.publicKey, c.committerTime);
    if (signer === undefined) {
      return {
        ok: false,
        code: 'agent.signer-not-allowed',
        reason: `commit ${short} is signed by an SSH key that verify.allowedSignersFile does not allow for namespace git at the commit's time`,
      };
    }
    return { ok: true, kind: 'ssh', signer: signer.principals };
  }
  if (c.signature.includes('-----BEGIN PGP SIGNATURE-----')) {
    if (trust.pgpKeys === undefined) {
      return {
        ok: false,
        code: 'agent.signer-not-allowed',
        reason: `commit ${short} has an OpenPGP signature, and no verify.publicKeysFile is set`,
      };
    }
    const v = await verifyPgpSignature(c.signature, c.payload, trust.pgpKeys);
    if (!v.ok && /Could not find signing key/i.test(v.reason)) {
      return {
        ok: false,
        code: 'agent.signer-not-allowed',
        reason: `commit ${short} is signed by OpenPGP key ${v.signer ?? '(unknown)'}, which verify.publicKeysFile does not hold`,
      };
    }
    if (!v.ok) {
      return {
        ok: false,
        code: 'agent.signature-bad',
        reason: `the OpenPGP signature of commit ${short} is not good: ${v.reason}`,
      };
    }
    return { ok: true, kind: 'pgp', signer: v.signer ?? 'unknown' };
  }
  return {
    ok: false,
    code: 'agent.signature-bad',
    reason: `commit ${short} carries a signature of an unknown kind (neither SSH nor OpenPGP)`,
  };
}
