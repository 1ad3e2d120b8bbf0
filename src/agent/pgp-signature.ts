/**
 * OpenPGP commit signatures with the `openpgp` package (loaded only when a keys file is configured). As with
 * `git verify-commit` over gpg, a signature by an expired or revoked key is not good: gpg reports EXPKEYSIG or
 * REVKEYSIG and git accepts only GOODSIG (git gpg-interface.c, check_signature, git v2.39); openpgp.js checks the
 * key at the current time the same way.
 */
export interface PgpVerdict {
  ok: boolean;
  /** The signing key's fingerprint when known. */
  signer?: string;
  reason: string;
}

export async function verifyPgpSignature(
  armored: string,
  payload: Uint8Array,
  armoredKeys: string,
): Promise<PgpVerdict> {
  const openpgp = await import('openpgp');
  let signature: Awaited<ReturnType<typeof openpgp.readSignature>>;
  try {
    signature = await openpgp.readSignature({ armoredSignature: armored });
  } catch (e) {
    return { ok: false, reason: `not a readable OpenPGP signature: ${(e as Error).message}` };
  }
  const keys = await openpgp.readKeys({ armoredKeys });
  const message = await openpgp.createMessage({ binary: payload });
  const result = await openpgp.verify({ message, signature, verificationKeys: keys, format: 'binary' });
  const [first] = result.signatures;
  if (first === undefined) return { ok: false, reason: 'the signature holds no signature packet' };
  const signer = first.keyID.toHex();
  try {
    await first.verified;
    const key = keys.find((k) => k.getKeys(first.keyID).length > 0);
    if (key === undefined) return { ok: false, signer, reason: 'Could not find signing key' };
    // openpgp.js judges the key at the signature's time; gpg (and so git) at the present: expired since is not good.
    const expires = await key.getExpirationTime();
    if (expires instanceof Date && expires.getTime() <= Date.now()) {
      return { ok: false, signer, reason: `the signing key expired on ${expires.toISOString()}` };
    }
    if (await key.isRevoked()) return { ok: false, signer, reason: 'the signing key is revoked' };
    return { ok: true, signer: key.getFingerprint(), reason: 'good signature' };
  } catch (e) {
    return { ok: false, signer, reason: (e as Error).message };
  }
}
