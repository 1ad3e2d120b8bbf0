/**
 * Inputs built to exhaust time or memory get a clear issue on their own host and leave the others checked: sections
 * nested a hundred thousand deep, and a 40,000-line template (whose lint used to be quadratic) still linted with
 * the right line numbers. Time and memory targets are in `npm run bench`, not here.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, sampleRepoWith } from '../support/sample-repo.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

interface Report {
  valid: boolean;
  issues: { code: string; file: string; line?: number; message: string; hosts: string[] }[];
}
const validate = async (repo: string) =>
  JSON.parse((await runCli(['validate', '--repo', repo, '--output', 'json'])).out) as Report;

describe('bounded checks', () => {
  it('sections nested 100,000 deep: input.too-deep on that host, the others still checked', async () => {
    const repo = sampleRepoWith();
    repos.push(repo);
    const tpl = join(repo, 'templates/example-server.yaml');
    appendFileSync(tpl, `# ${'{{#a}}'.repeat(100_000)}${'{{/a}}'.repeat(100_000)}\n`);
    const report = await validate(repo);
    expect(report.issues).toEqual([
      expect.objectContaining({ code: 'input.too-deep', file: 'hosts/example-server.yaml', hosts: ['example-server'] }),
    ]);
  });

  it('a 40,000-line template is linted with the right line numbers', async () => {
    const repo = sampleRepoWith();
    repos.push(repo);
    const tpl = join(repo, 'templates/example-server.yaml');
    const before = readFileSync(tpl, 'utf8').split('\n').length - 1;
    appendFileSync(tpl, `${'# {{ name }}\n'.repeat(40_000)}# {{ nmae }}\n`);
    const report = await validate(repo);
    const misspelled = report.issues.find((i) => i.message.includes('nmae'));
    expect(misspelled).toMatchObject({ file: 'templates/example-server.yaml', line: before + 40_001 });
  });
});
