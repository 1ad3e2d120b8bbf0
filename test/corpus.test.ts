import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, sampleRepoWith } from './support/sample-repo.js';

/**
 * The bad-input corpus: each test/corpus/*.yaml starts from the sample repo, replaces or deletes some files, runs
 * `kuma-gitops validate --output json` and checks the exit code and that each expected issue is reported with its
 * file, line, code and message.
 */
interface CorpusCase {
  description: string;
  files?: Record<string, string>;
  delete?: string[];
  args?: string[];
  expect: {
    exit: number;
    stderr?: string;
    /** Codes that must not be reported (follow-up noise of the real problem). */
    absent?: string[];
    issues?: {
      severity?: 'error' | 'warning';
      file: string;
      line?: number;
      code: string;
      message: string;
      hint?: string;
    }[];
  };
}

const dir = new URL('./corpus/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => [f.replace(/\.yaml$/, ''), parse(readFileSync(new URL(f, dir), 'utf8')) as CorpusCase] as const);
const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

describe('bad-input corpus', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (_name, c) => {
    const repo = sampleRepoWith(c.files, c.delete);
    repos.push(repo);
    const { code, out, err } = await runCli(['validate', '--repo', repo, '--output', 'json', ...(c.args ?? [])]);
    expect(code, `${c.description}\n${out}${err}`).toBe(c.expect.exit);
    if (c.expect.stderr) expect(err).toContain(c.expect.stderr);
    if (!c.expect.issues && !c.expect.absent) return;
    const report = JSON.parse(out) as {
      issues: { severity: string; file: string; line?: number; code: string; message: string; hint?: string }[];
    };
    const absent = new Set(c.expect.absent);
    expect(
      report.issues.filter((i) => absent.has(i.code)),
      `${c.description}: follow-up codes that must not be reported`,
    ).toEqual([]);
    for (const want of c.expect.issues ?? []) {
      const found = report.issues.find(
        (i) =>
          i.code === want.code &&
          i.file === want.file &&
          (want.line === undefined || i.line === want.line) &&
          i.message.includes(want.message) &&
          (want.severity === undefined || i.severity === want.severity) &&
          (want.hint === undefined || (i.hint ?? '').includes(want.hint)),
      );
      expect(
        found,
        `${c.description}: expected ${JSON.stringify(want)} among\n${JSON.stringify(report.issues, null, 1)}`,
      ).toBeDefined();
    }
  });
});
