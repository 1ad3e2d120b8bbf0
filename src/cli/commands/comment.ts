import { readFileSync } from 'node:fs';
import { KumaGitopsError } from '../../errors.js';
import { findReviewComment, reviewCommentBody } from '../../review/review-comment.js';
import type { Command } from '../command.js';
import { githubApi, gitlabApi } from '../pull-request-api.js';

/**
 * `comment`: the CI review job's last step. Puts the review (what `diff --output markdown` printed) on the pull or
 * merge request as one comment, created on the first run and edited on every later one, never duplicated.
 */
export const commentCommand: Command = {
  spec: {
    name: 'comment',
    summary: 'Post the review on a pull request (GitHub) or merge request (GitLab) as one comment, kept up to date.',
    usage: 'kuma-gitops comment --provider github|gitlab --body-file FILE|- [--pr N]',
    details:
      'Runs in the CI job: the repository, request and API URL come from the job environment (GitHub Actions:\n' +
      'GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL, and GITHUB_TOKEN passed in; GitLab CI: CI_API_V4_URL,\n' +
      'CI_PROJECT_ID, CI_MERGE_REQUEST_IID, and KUMA_GITOPS_GITLAB_TOKEN). Exit 0: posted. Exit 1: not posted.',
    flags: {
      provider: {
        kind: 'string',
        required: true,
        choices: ['github', 'gitlab'],
        value: 'NAME',
        help: 'github or gitlab',
      },
      'body-file': {
        kind: 'string',
        required: true,
        value: 'FILE',
        help: "the review's markdown, or - for standard input",
      },
      pr: { kind: 'string', value: 'N', help: 'the pull or merge request number, when the job environment lacks it' },
    },
  },
  async run(args, io) {
    const file = args.strings['body-file']!;
    const markdown = file === '-' ? await stdin(io) : readBody(file);
    const prText = args.strings.pr;
    const pr = prText === undefined ? undefined : Number(prText);
    if (pr !== undefined && !(Number.isInteger(pr) && pr > 0)) {
      throw new KumaGitopsError('usage', `--pr ${prText}: give the request's number, e.g. --pr 12`);
    }
    const env = process.env;
    const api =
      args.strings.provider === 'github'
        ? githubApi(env, pr, pr === undefined ? event(env) : undefined)
        : gitlabApi(env, pr);
    const body = reviewCommentBody(markdown);
    const existing = findReviewComment(await api.list());
    if (existing?.body === body) io.out(`review comment ${existing.id} on ${api.where} is up to date\n`);
    else if (existing) {
      await api.update(existing.id, body);
      io.out(`updated review comment ${existing.id} on ${api.where}\n`);
    } else io.out(`created review comment ${await api.create(body)} on ${api.where}\n`);
    return 0;
  },
};

async function stdin(io: Parameters<Command['run']>[1]): Promise<string> {
  if (!io.readStdin)
    throw new KumaGitopsError('comment.stdin-none', '--body-file - reads standard input, but none is available here');
  return io.readStdin();
}

function readBody(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new KumaGitopsError(
      'comment.body-unreadable',
      `--body-file ${file}: ${reason}: write the review there first (kuma-gitops diff --output markdown > ${file})`,
      { file },
    );
  }
}

/** The webhook payload GitHub Actions saves for the run; its pull_request.number is the request. */
function event(env: NodeJS.ProcessEnv): unknown {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KumaGitopsError('comment.event-unreadable', `GITHUB_EVENT_PATH ${path}: ${(e as Error).message}`, {
      path,
    });
  }
}
