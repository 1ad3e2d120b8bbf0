/**
 * OpenSSH's allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"): `principals [options] keytype base64-key
 * [comment]`, options `namespaces="..."`, `valid-after=`, `valid-before=`, `cert-authority`. A key signs for
 * namespace `git` when a line names it, its namespaces (if any) match `git`, and the commit's time is inside the
 * line's window: git passes the committer time as `-Overify-time` (git gpg-interface.c, verify_ssh_signed_buffer,
 * git v2.39). Certificate authorities are not supported: such lines never match (so such a signature is refused).
 */
export interface AllowedSigner {
  line: number;
  principals: string;
  key: Buffer;
  namespaces?: string;
  validAfter?: number;
  validBefore?: number;
  certAuthority: boolean;
}

const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-.*|.*-cert-v01@openssh\.com)$/;

/** Tokens separated by blanks, double quotes keeping blanks (and quotes stripped). */
function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of line.matchAll(re)) out.push(m[0]);
  return out;
}

/** `YYYYMMDD[HHMM[SS]][Z]`: UTC with Z, local time without, as ssh-keygen reads it. Seconds since the epoch. */
export function sshTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7).map((v) => v ?? undefined) as string[];
  const args = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  return Math.floor((m[7] ? Date.UTC(...args) : new Date(...args).getTime()) / 1000);
}

export function parseAllowedSigners(text: string): { signers: AllowedSigner[]; problems: string[] } {
  const signers: AllowedSigner[] = [];
  const problems: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const t = tokens(line);
    const keyAt = KEY_TYPE.test(t[1] ?? '') ? 1 : KEY_TYPE.test(t[2] ?? '') ? 2 : -1;
    if (keyAt === -1 || t[keyAt + 1] === undefined) {
      problems.push(`line ${i + 1}: expected "principals [options] keytype key"`);
      continue;
    }
    const signer: AllowedSigner = {
      line: i + 1,
      principals: t[0]!.replace(/"/g, ''),
      key: Buffer.from(t[keyAt + 1]!, 'base64'),
      certAuthority: false,
    };
    for (const option of keyAt === 2 ? t[1]!.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/) : []) {
      const [name, value] = [
        option.split('=')[0]!.toLowerCase(),
        option.slice(option.indexOf('=') + 1).replace(/"/g, ''),
      ];
      if (name === 'cert-authority') signer.certAuthority = true;
      else if (name === 'namespaces') signer.namespaces = value;
      else if (name === 'valid-after' || name === 'valid-before') {
        const at = sshTime(value);
        if (at === undefined) problems.push(`line ${i + 1}: ${name} "${value}" is not YYYYMMDD[HHMM[SS]][Z]`);
        else if (name === 'valid-after') signer.validAfter = at;
        else signer.validBefore = at;
      }
    }
    signers.push(signer);
  }
  return { signers, problems };
}

/** OpenSSH's pattern lists (match.c): comma-separated `*`/`?` globs, a `!` pattern that matches denies. */
export function matchPatternList(value: string, list: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const glob = negated ? raw.slice(1) : raw;
    const re = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    if (re.test(value)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The allowed_signers line that lets `key` sign for namespace `git` at `time`, if any. */
export function allowedFor(
  signers: readonly AllowedSigner[],
  key: Buffer,
  time: number | undefined,
): AllowedSigner | undefined {
  return signers.find(
    (s) =>
      !s.certAuthority &&
      s.key.equals(key) &&
      (s.namespaces === undefined || matchPatternList('git', s.namespaces)) &&
      (time === undefined || s.validAfter === undefined || time >= s.validAfter) &&
      (time === undefined || s.validBefore === undefined || time <= s.validBefore),
  );
}
