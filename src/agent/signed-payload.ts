/**
 * The signed bytes and the signature of a commit object, built from the raw object (git's own rule: the payload is
 * the object without its `gpgsig` header; the signature is that header's value, continuation lines joined with one
 * leading space removed each). isomorphic-git's `payload` gets this wrong for SSH signatures (it looks for the end
 * of a PGP armor) and for messages with CRLF line ends, so it is not used.
 */
export interface SignedCommit {
  /** The object without the signature header: what was signed. */
  payload: Uint8Array;
  /** The armored signature, or undefined for an unsigned commit. */
  signature: string | undefined;
  /** Committer time in seconds since the epoch (for allowed_signers' valid-after/valid-before). */
  committerTime: number | undefined;
}

export function signedCommit(raw: Uint8Array): SignedCommit {
  const bytes = Buffer.from(raw);
  const headerEnd = bytes.indexOf('\n\n');
  const headers = bytes.subarray(0, headerEnd === -1 ? bytes.length : headerEnd).toString('latin1');
  const lines = headers.split('\n');
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  let committerTime: number | undefined;
  for (const line of lines) {
    if (inSig && line.startsWith(' ')) {
      sig.push(line.slice(1));
      continue;
    }
    inSig = false;
    if (line.startsWith('gpgsig ') && sig.length === 0) {
      inSig = true;
      sig.push(line.slice('gpgsig '.length));
      continue;
    }
    const committer = /^committer .* (\d+) [+-]\d{4}$/.exec(line);
    if (committer) committerTime = Number(committer[1]);
    kept.push(line);
  }
  if (sig.length === 0) return { payload: new Uint8Array(bytes), signature: undefined, committerTime };
  const rest = headerEnd === -1 ? Buffer.alloc(0) : bytes.subarray(headerEnd);
  const payload = Buffer.concat([Buffer.from(kept.join('\n'), 'latin1'), rest]);
  return { payload: new Uint8Array(payload), signature: `${sig.join('\n')}\n`, committerTime };
}
