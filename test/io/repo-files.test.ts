/**
 * A repository never makes kuma-gitops read something else than it shows: a symbolic link (to a token, to
 * /etc/passwd, to /dev/zero), a FIFO or an oversized file is an issue naming the file, never followed or read,
 * and the working tree and a git commit report the same. A big file nothing references is not read at all.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { git, initRepo } from '../support/git-repo.js';
import { runCli, SAMPLE_REPO } from '../support/sample-repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SECRET = 'kgtest-secret-token-5f3a9c';

/** A copy of the sample repo (and a secret file outside it), changed by `arrange`. */
function repoWith(arrange: (repo: string, outside: string) => void): string {
  const top = mkdtempSync(join(tmpdir(), 'kgtest-repo-files-'));
  dirs.push(top);
  const repo = join(top, 'repo');
  cpSync(SAMPLE_REPO, repo, { recursive: true });
  writeFileSync(join(top, 'token'), `${SECRET}\n`, { mode: 0o600 });
  arrange(repo, top);
  return repo;
}

interface Report {
  issues: { code: string; file: string; line?: number; message: string }[];
}
const validate = async (repo: string) => {
  const r = await runCli(['validate', '--repo', repo, '--output', 'json']);
  return { ...r, report: JSON.parse(r.out) as Report };
};

describe('files of a working tree', () => {
  it.each([
    [
      'a link to a secret',
      (repo: string, top: string) => symlinkSync(join(top, 'token'), join(repo, 'tproxy/fleet.yaml')),
    ],
    ['a link to /etc/passwd', (repo: string) => symlinkSync('/etc/passwd', join(repo, 'tproxy/fleet.yaml'))],
    ['a link to /dev/zero', (repo: string) => symlinkSync('/dev/zero', join(repo, 'tproxy/fleet.yaml'))],
  ])('%s as a referenced tproxy config: repo.symlink on the reference, the target never read', async (_n, arrange) => {
    const repo = repoWith((r, top) => {
      rmSync(join(r, 'tproxy/fleet.yaml'));
      arrange(r, top);
    });
    const { code, out, err, report } = await validate(repo);
    expect(code).toBe(1);
    const issue = report.issues.find((i) => i.code === 'repo.symlink');
    expect(issue).toMatchObject({
      file: 'fleet.yaml',
      message: expect.stringMatching(/^tproxy\/fleet\.yaml is a symbolic link/),
    });
    expect(issue!.line).toBeGreaterThan(0);
    expect(out + err).not.toContain(SECRET);
    expect(out + err).not.toContain('root:x:0:0');
  });

  it('a linked host file and a linked folder are reported as links', async () => {
    const repo = repoWith((r) => {
      symlinkSync('/etc/passwd', join(r, 'hosts/evil.yaml'));
      symlinkSync('/etc', join(r, 'templates-elsewhere'));
      const host = join(r, 'hosts/example-server.yaml');
      execFileSync('sed', ['-i', 's#templates/example-server.yaml#templates-elsewhere/passwd#', host]);
    });
    const { report, out } = await validate(repo);
    expect(report.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'repo.symlink', file: 'hosts/evil.yaml' }),
        expect.objectContaining({
          code: 'repo.symlink',
          message: expect.stringMatching(/^templates-elsewhere is a symbolic link/),
        }),
      ]),
    );
    expect(out).not.toContain('root:x:0:0');
  });

  it('a FIFO is refused at once (no hang), an oversized file by its size', async () => {
    const repo = repoWith((r) => {
      rmSync(join(r, 'tproxy/fleet.yaml'));
      execFileSync('mkfifo', [join(r, 'tproxy/fleet.yaml')]);
      writeFileSync(join(r, 'templates/example-server.yaml'), '');
      truncateSync(join(r, 'templates/example-server.yaml'), 5 * 1024 * 1024);
    });
    const { report } = await validate(repo);
    expect(report.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'repo.not-a-file',
          message: expect.stringContaining('tproxy/fleet.yaml is a FIFO'),
        }),
        expect.objectContaining({
          code: 'repo.file-too-large',
          message: expect.stringContaining('templates/example-server.yaml has 5242880 bytes'),
        }),
      ]),
    );
  });

  it('a 600 MB file nothing references is not read: the repo stays valid', async () => {
    const repo = repoWith((r) => {
      writeFileSync(join(r, 'blob.bin'), '');
      truncateSync(join(r, 'blob.bin'), 600 * 1024 * 1024); // sparse: no disk used
    });
    const { code, report } = await validate(repo);
    expect(report.issues.filter((i) => i.code.startsWith('repo.'))).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('a git commit reports a link as the working tree does', () => {
  it('diff at head: repo.symlink on the linked tproxy config, its target never read', async () => {
    const repo = repoWith(() => undefined);
    initRepo(repo);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    rmSync(join(repo, 'tproxy/fleet.yaml'));
    symlinkSync('/etc/passwd', join(repo, 'tproxy/fleet.yaml'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'link');
    const r = await runCli(['diff', '--repo', repo, '--base', 'HEAD~1', '--head', 'HEAD', '--output', 'json']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/"code": "repo\.symlink"/);
    expect(r.out).toContain('tproxy/fleet.yaml is a symbolic link (to \\"/etc/passwd\\")');
    expect(r.out).not.toContain('root:x:0:0');
  });
});
