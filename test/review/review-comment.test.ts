/**
 * The review comment: its body (marker first, cut to what GitHub accepts), how a later run finds it, and the
 * `comment` command's refusals when the job environment lacks something or the API says no.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  findReviewComment,
  MAX_COMMENT_CHARS,
  REVIEW_MARKER,
  reviewCommentBody,
} from '../../src/review/review-comment.js';
import { type PullRequestApiServer, startPullRequestApiServer } from '../support/pull-request-api-server.js';
import { runCli } from '../support/sample-repo.js';

describe('review comment body', () => {
  it('starts with the hidden marker and keeps the review as is', () => {
    expect(reviewCommentBody('## plan\n\nx\n\n')).toBe(`${REVIEW_MARKER}\n## plan\n\nx\n`);
  });

  it('is cut to what a comment may hold, and says so', () => {
    const body = reviewCommentBody('x'.repeat(70_000));
    expect(body.length).toBe(MAX_COMMENT_CHARS);
    expect(body).toMatch(/_\(cut: the review is longer than a comment may be; .*\)_\n$/);
  });

  it('finds the oldest comment with the marker, and only one with it first', () => {
    const comments = [
      { id: 5, body: 'lgtm' },
      { id: 9, body: `${REVIEW_MARKER}\nnewer copy` },
      { id: 7, body: `${REVIEW_MARKER}\nours` },
      { id: 3, body: `quoting: ${REVIEW_MARKER}` },
    ];
    expect(findReviewComment(comments)?.id).toBe(7);
    expect(findReviewComment([{ id: 1, body: 'lgtm' }])).toBeUndefined();
  });
});

describe('kuma-gitops comment', () => {
  let api: PullRequestApiServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    api = await startPullRequestApiServer();
  });
  afterAll(() => api.close());
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['github', {}, /GITHUB_REPOSITORY is not set/],
    ['github', { GITHUB_REPOSITORY: 'a/b' }, /GITHUB_TOKEN is not set: pass the job token/],
    ['github', { GITHUB_REPOSITORY: 'a/b', GITHUB_TOKEN: 't' }, /no pull request number: run the job on pull_request/],
    ['gitlab', { CI_API_V4_URL: 'http://x', CI_PROJECT_ID: '1' }, /KUMA_GITOPS_GITLAB_TOKEN is not set: .*api scope/],
  ])('%s with %j: exit 1 naming what is missing', async (provider, env, message) => {
    for (const k of Object.keys(process.env)) if (/^(GITHUB_|CI_|KUMA_GITOPS_)/.test(k)) delete process.env[k];
    Object.assign(process.env, env);
    const r = await runCli(['comment', '--provider', provider, '--body-file', '-'], { stdin: 'review' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  it('a body file that is not there: exit 1 saying how to make it', async () => {
    const r = await runCli(['comment', '--provider', 'github', '--body-file', '/nonexistent/review.md']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--body-file \/nonexistent\/review\.md: ENOENT: write the review there first/);
  });

  it('an API that refuses the token: exit 1 with the status and what to check', async () => {
    Object.assign(process.env, {
      GITHUB_API_URL: `${api.url}/nowhere`,
      GITHUB_REPOSITORY: 'acme/mesh',
      GITHUB_TOKEN: 't',
    });
    const r = await runCli(['comment', '--provider', 'github', '--body-file', '-', '--pr', '3'], { stdin: 'review' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/answered 404: .*check that the token is set and may write comments/);
  });

  it('a second run with the same review changes nothing', async () => {
    Object.assign(process.env, { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'acme/mesh', GITHUB_TOKEN: 't' });
    const argv = ['comment', '--provider', 'github', '--body-file', '-', '--pr', '4'];
    expect((await runCli(argv, { stdin: 'same' })).out).toMatch(/^created review comment \d+ on acme\/mesh#4/);
    expect((await runCli(argv, { stdin: 'same' })).out).toMatch(/^review comment \d+ on acme\/mesh#4 is up to date/);
    expect(api.calls.filter((c) => c.method !== 'GET')).toHaveLength(1);
  });
});
