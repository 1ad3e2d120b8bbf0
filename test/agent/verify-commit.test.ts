/**
 * The agent's signature verdict against the real thing: commits signed by `git -c gpg.format=ssh` (ssh-keygen) and by
 * gpg, checked by `git verify-commit` as the oracle. For every case the agent must say what git says.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedSigners } from '../../src/agent/allowed-signers.js';
import { verifyCommit } from '../../src/agent/verify-commit.js';

const work = mkdtempSync(join(tmpdir(), 'kg-verify-'));
const repo = join(work, 'repo');
const gnupg = join(work, 'gnupg');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'signer',
  GIT_AUTHOR_EMAIL: 'signer@example.invalid',
  GIT_COMMITTER_NAME: 'signer',
  GIT_COMMITTER_EMAIL: 'signer@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: work,
  GNUPGHOME: gnupg,
};
const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { cwd: repo, env: ENV, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
const git = (...args: string[]) => run('git', args);
let n = 0;
/** A commit on a fresh orphan-free line: each case gets its own file change. */
const commit = (signing: string[], message = `change ${n}`) => {
  writeFileSync(join(repo, 'f'), `${n++}\n`);
  git('add', 'f');
  // verbatim: git's default cleanup would strip the CRs of the CRLF case.
  git(...signing, 'commit', '-q', '--cleanup=verbatim', '-m', message);
  return git('rev-parse', 'HEAD');
};
const sshKey = (name: string, type: string, bits?: string) => {
  const file = join(work, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', name, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim() };
};
const sshSign = (key: string) => ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, '-c', 'commit.gpgsign=true'];
/** git verify-commit's verdict with this allowed_signers file (or the gpg keyring). */
const oracle = (oid: string, allowed?: string) => {
  try {
    execFileSync('git', [...(allowed ? ['-c', `gpg.ssh.allowedSignersFile=${allowed}`] : []), 'verify-commit', oid], {
      cwd: repo,
      env: ENV,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
};
/** A commit object rewritten by hand (message or signature changed), written with git hash-object. */
const rewrite = (oid: string, edit: (raw: string) => string) =>
  run('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], edit(`${git('cat-file', 'commit', oid)}\n`));

const keys: Record<string, { file: string; pub: string }> = {};
beforeAll(() => {
  mkdirSync(repo);
  mkdirSync(gnupg, { mode: 0o700 });
  git('init', '-q', '-b', 'main');
  keys.ed25519 = sshKey('ed25519', 'ed25519');
  keys.rsa = sshKey('rsa', 'rsa', '3072');
  keys.p256 = sshKey('p256', 'ecdsa', '256');
  keys.p384 = sshKey('p384', 'ecdsa', '384');
  keys.p521 = sshKey('p521', 'ecdsa', '521');
  keys.stranger = sshKey('stranger', 'ed25519');
}, 60_000);

const allowedFile = (lines: string[]) => {
  const file = join(work, `allowed-${n++}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const line = (principal: string, key: { pub: string }, options = '') =>
  `${principal} ${options ? `${options} ` : ''}${key.pub.split(' ').slice(0, 2).join(' ')}`;

async function agree(oid: string, allowed: string) {
  const ours = await verifyCommit(join(repo, '.git'), oid, {
    signers: parseAllowedSigners(readFileSync(allowed, 'utf8')).signers,
  });
  expect(ours.ok, JSON.stringify(ours)).toBe(oracle(oid, allowed));
  return ours;
}

describe('SSH-signed commits: the agent agrees with git verify-commit', () => {
  it.each(['ed25519', 'rsa', 'p256', 'p384', 'p521'])('a good %s signature by an allowed key', async (type) => {
    const oid = commit(sshSign(keys[type]!.file));
    const v = await agree(oid, allowedFile([line('ops@example.invalid', keys[type]!)]));
    expect(v).toMatchObject({ ok: true, kind: 'ssh', signer: 'ops@example.invalid' });
  });

  it('an unsigned commit', async () => {
    const oid = commit([]);
    expect(await agree(oid, allowedFile([line('ops', keys.ed25519!)]))).toMatchObject({
      ok: false,
      code: 'agent.unsigned',
    });
  });

  it('a key that is not in allowed_signers', async () => {
    const oid = commit(sshSign(keys.stranger!.file));
    expect(await agree(oid, allowedFile([line('ops', keys.ed25519!)]))).toMatchObject({
      code: 'agent.signer-not-allowed',
    });
  });

  it('a tampered commit (message changed after signing)', async () => {
    const oid = rewrite(commit(sshSign(keys.ed25519!.file)), (raw) => raw.replace(/change \d+/, 'something else'));
    expect(await agree(oid, allowedFile([line('ops', keys.ed25519!)]))).toMatchObject({ code: 'agent.signature-bad' });
  });

  it('a signer allowed only for another namespace', async () => {
    const oid = commit(sshSign(keys.ed25519!.file));
    expect(await agree(oid, allowedFile([line('ops', keys.ed25519!, 'namespaces="file"')]))).toMatchObject({
      code: 'agent.signer-not-allowed',
    });
    expect((await agree(oid, allowedFile([line('ops', keys.ed25519!, 'namespaces="file,git"')]))).ok).toBe(true);
  });

  it('a signer whose window ended before the commit, and one whose window has not begun', async () => {
    const oid = commit(sshSign(keys.ed25519!.file));
    expect((await agree(oid, allowedFile([line('ops', keys.ed25519!, 'valid-before="20200101"')]))).ok).toBe(false);
    expect((await agree(oid, allowedFile([line('ops', keys.ed25519!, 'valid-after="29990101"')]))).ok).toBe(false);
    expect((await agree(oid, allowedFile([line('ops', keys.ed25519!, 'valid-after="20200101"')]))).ok).toBe(true);
  });

  it('a signature made for namespace "file" and put into a commit by hand', async () => {
    const unsigned = commit([]);
    const body = `${git('cat-file', 'commit', unsigned)}\n`;
    const sigFile = join(work, 'payload');
    writeFileSync(sigFile, body);
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'file', '-f', keys.ed25519!.file, sigFile], {
      stdio: 'ignore',
    });
    const sig = readFileSync(`${sigFile}.sig`, 'utf8').trim().split('\n').join('\n ');
    rmSync(`${sigFile}.sig`);
    const oid = rewrite(unsigned, (raw) => raw.replace(/\n\n/, `\ngpgsig ${sig}\n\n`));
    expect(await agree(oid, allowedFile([line('ops', keys.ed25519!)]))).toMatchObject({ code: 'agent.signature-bad' });
  });

  it('a message with CRLF line ends (isomorphic-git gets its payload wrong)', async () => {
    const oid = commit(sshSign(keys.ed25519!.file), 'subject\r\n\r\nbody line\r\n');
    expect(git('cat-file', 'commit', oid)).toContain('\r\n');
    expect((await agree(oid, allowedFile([line('ops', keys.ed25519!)]))).ok).toBe(true);
  });
});

describe('OpenPGP-signed commits: the agent agrees with git verify-commit (gpg)', () => {
  const gpg = (...args: string[]) =>
    run('gpg', ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  const fingerprint = (uid: string) => /^fpr:+([0-9A-F]+):/m.exec(gpg('--with-colons', '--list-keys', uid))![1]!;
  const pgpSign = (fpr: string) => [
    '-c',
    `user.signingkey=${fpr}`,
    '-c',
    'commit.gpgsign=true',
    '-c',
    'gpg.format=openpgp',
  ];
  const publicKeys = (...fprs: string[]) => gpg('--armor', '--export', ...fprs);
  const ours = async (oid: string, armored: string) => verifyCommit(join(repo, '.git'), oid, { pgpKeys: armored });

  it('good, by a key we hold; and by a key we do not hold', async () => {
    gpg('--quick-gen-key', 'good <good@example.invalid>', 'ed25519', 'sign', '1y');
    gpg('--quick-gen-key', 'other <other@example.invalid>', 'ed25519', 'sign', '1y');
    const good = fingerprint('good@example.invalid');
    const other = fingerprint('other@example.invalid');
    const oid = commit(pgpSign(good));
    expect(oracle(oid)).toBe(true);
    expect(await ours(oid, publicKeys(good))).toMatchObject({ ok: true, kind: 'pgp', signer: good.toLowerCase() });
    // The oracle's keyring without the signer: delete it, as our keys file would not hold it.
    const byOther = commit(pgpSign(other));
    const armoredGood = publicKeys(good);
    gpg('--delete-secret-and-public-key', other);
    expect(oracle(byOther)).toBe(false);
    expect(await ours(byOther, armoredGood)).toMatchObject({ ok: false, code: 'agent.signer-not-allowed' });
  }, 60_000);

  it('a key that has expired since, and a revoked key', async () => {
    // Made and used "in 2020" with a one-year expiry: expired now.
    const past = ['--faked-system-time', '20200101T000000'];
    gpg(...past, '--quick-gen-key', 'old <old@example.invalid>', 'ed25519', 'sign', '1y');
    const old = fingerprint('old@example.invalid');
    const oldSign = ['-c', `gpg.program=${join(work, 'gpg-2020')}`, ...pgpSign(old)];
    writeFileSync(join(work, 'gpg-2020'), `#!/bin/sh\nexec gpg --faked-system-time 20200102T000000 "$@"\n`, {
      mode: 0o755,
    });
    const expired = commit(oldSign);
    expect(git('cat-file', 'commit', expired)).toMatch(/BEGIN PGP SIGNATURE/);
    expect(oracle(expired)).toBe(false);
    expect((await ours(expired, publicKeys(old))).ok).toBe(false);

    gpg('--quick-gen-key', 'revoked <revoked@example.invalid>', 'ed25519', 'sign', '1y');
    const revoked = fingerprint('revoked@example.invalid');
    const oid = commit(pgpSign(revoked));
    const cert = readFileSync(join(gnupg, 'openpgp-revocs.d', `${revoked}.rev`), 'utf8').replace(/^:-----/m, '-----');
    run('gpg', ['--batch', '--import'], cert);
    expect(oracle(oid)).toBe(false);
    expect((await ours(oid, publicKeys(revoked))).ok).toBe(false);
  }, 60_000);
});
