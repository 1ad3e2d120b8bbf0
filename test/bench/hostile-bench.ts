/**
 * The hostile-input targets of the security issue, on the whole CLI: every bad-input corpus case refused by
 * `validate` within 2 s and 200 MB (the slowest and the largest are reported), a 40,000-line template validated
 * within 1 s, and `tproxy diff --live` of a 200 MB file refused quickly. Exit 1 is the expected refusal.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sampleRepoWith } from '../support/sample-repo.js';
import { measureCommand, type Row } from './measure-child.js';

interface CorpusCase {
  files?: Record<string, string>;
  delete?: string[];
  args?: string[];
}

export function hostileRows(work: string): Row[] {
  const dir = new URL('../corpus/', import.meta.url);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const corpus = cases.map((f) => {
    const c = parse(readFileSync(new URL(f, dir), 'utf8')) as CorpusCase;
    const repo = sampleRepoWith(c.files, c.delete);
    try {
      const row = measureCommand(f, ['validate', '--repo', repo, '--output', 'json', ...(c.args ?? [])], { runs: 1 });
      return row;
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
  const slowest = corpus.reduce((a, b) => (b.ms > a.ms ? b : a));
  const largest = corpus.reduce((a, b) => (b.maxRssMb > a.maxRssMb ? b : a));

  const big = sampleRepoWith();
  appendFileSync(join(big, 'templates/example-server.yaml'), '# {{ name }}\n'.repeat(40_000));
  const live = join(work, 'big.save');
  writeFileSync(live, '');
  truncateSync(live, 200 * 1024 * 1024);
  try {
    return [
      {
        ...slowest,
        name: `validate, slowest of ${corpus.length} corpus cases (${slowest.name})`,
        targetMs: 2_000,
      },
      {
        ...largest,
        name: `validate, largest of ${corpus.length} corpus cases (${largest.name})`,
        targetMb: 200,
      },
      measureCommand('validate, a 40,000-line template', ['validate', '--repo', big], { targetMs: 1_000 }),
      {
        ...measureCommand('tproxy diff --live of a 200 MB file (refused)', ['tproxy', 'diff', '--live', live]),
        targetMs: 1_000,
      },
    ];
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
}
