import { type BlobCache, gitRepoReader } from '../../io/git-reader.js';
import { compareHosts } from '../../review/compare-hosts.js';
import { formatMarkdown } from '../../review/format-markdown.js';
import { formatDiffText } from '../../review/format-text.js';
import { renderRevisions } from '../../review/render-revisions.js';
import { buildDiffReport, diffExitCode } from '../../review/review-report.js';
import { buildValidationReport } from '../../validate/validation-report.js';
import type { Command } from '../command.js';
import { POLICY_FLAGS, policyFromArgs } from './policy-flags.js';

export const diffCommand: Command = {
  spec: {
    name: 'diff',
    summary: 'Show what a commit range changes on every host (for pull-request review), read from a local git repo.',
    usage: 'kuma-gitops diff --repo DIR --base REF --head REF [--output markdown|json|text]',
    details:
      'Reads both commits straight from the git object store (no checkout, no network). DIR may be a folder inside\n' +
      'the repository. REF is a branch, tag, remote branch (origin/main) or commit id.\n' +
      'Exit 0: no host changes. Exit 2: some host changes. Exit 1: head is invalid, or an error.',
    flags: {
      repo: { kind: 'string', required: true, value: 'DIR', help: 'desired-state folder in a local git repository' },
      base: { kind: 'string', required: true, value: 'REF', help: 'revision before the change (e.g. origin/main)' },
      head: { kind: 'string', required: true, value: 'REF', help: 'revision after the change (e.g. HEAD)' },
      output: {
        kind: 'string',
        choices: ['markdown', 'json', 'text'],
        default: 'markdown',
        value: 'FORMAT',
        help: 'markdown (pull-request comment, at most 60,000 characters), json or text',
      },
      ...POLICY_FLAGS,
    },
  },
  async run(args, io) {
    const dir = args.strings.repo!;
    const cache: BlobCache = new Map();
    const [baseReader, headReader] = await Promise.all([
      gitRepoReader(dir, args.strings.base!, cache),
      gitRepoReader(dir, args.strings.head!, cache),
    ]);
    const { base, head } = await renderRevisions(baseReader, headReader, policyFromArgs(args, 'diff'));
    const changes = compareHosts(base, head);
    const report = buildDiffReport(baseReader.label, headReader.label, changes, buildValidationReport(head));
    const format = args.strings.output;
    io.out(
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : format === 'text'
          ? formatDiffText(report)
          : formatMarkdown(report),
    );
    return diffExitCode(report);
  },
};
