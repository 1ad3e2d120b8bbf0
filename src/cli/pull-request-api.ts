/**
 * GitHub's and GitLab's REST APIs for the review comment: list a pull (merge) request's comments, create one, edit
 * one. Where the CI job runs, everything comes from the job's own environment (GitHub Actions: GITHUB_API_URL,
 * GITHUB_REPOSITORY, GITHUB_EVENT_PATH; GitLab CI: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID).
 * GitHub: docs.github.com/rest/issues/comments; GitLab: docs.gitlab.com/api/notes (merge request notes).
 */
import { KumaGitopsError } from '../errors.js';
import type { ExistingComment } from '../review/review-comment.js';

export interface PullRequestApi {
  /** Where the comment goes, for messages: `owner/name#12`, `group/project!7`. */
  readonly where: string;
  list(): Promise<ExistingComment[]>;
  create(body: string): Promise<number>;
  update(id: number, body: string): Promise<void>;
}

const PER_PAGE = 100;
const MAX_PAGES = 50;

async function call(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'kuma-gitops' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new KumaGitopsError('comment.unreachable', `${method} ${url}: ${(e as Error).message}; check the API URL`, {
      url,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    const hint =
      response.status === 401 || response.status === 403 || response.status === 404
        ? 'check that the token is set and may write comments (GitHub: permissions: pull-requests: write; GitLab: a token with the api scope)'
        : 'try the job again';
    throw new KumaGitopsError(
      'comment.api-failed',
      `${method} ${url} answered ${response.status}: ${text.slice(0, 300)}; ${hint}`,
      { url, status: response.status },
    );
  }
  return text === '' ? undefined : JSON.parse(text);
}

async function listPages(url: (page: number) => string, headers: Record<string, string>): Promise<ExistingComment[]> {
  const out: ExistingComment[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const items = (await call('GET', url(page), headers)) as { id: number; body?: string | null }[];
    for (const c of items) out.push({ id: c.id, body: c.body ?? '' });
    if (items.length < PER_PAGE) break;
  }
  return out;
}

function need(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (value) return value;
  throw new KumaGitopsError('comment.env-missing', `${name} is not set: ${what}`, { variable: name });
}

export function githubApi(env: NodeJS.ProcessEnv, pr: number | undefined, event: unknown): PullRequestApi {
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const repo = need(env, 'GITHUB_REPOSITORY', 'the owner/name of the repository (GitHub Actions sets it)');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression a user must write, said literally
  const token = need(env, 'GITHUB_TOKEN', 'pass the job token: env: GITHUB_TOKEN: ${{ github.token }}');
  const number = pr ?? (event as { pull_request?: { number?: number } } | undefined)?.pull_request?.number;
  if (number === undefined) {
    throw new KumaGitopsError(
      'comment.no-pull-request',
      'no pull request number: run the job on pull_request events (GITHUB_EVENT_PATH has it) or give --pr N',
    );
  }
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  const base = `${api}/repos/${repo}`;
  return {
    where: `${repo}#${number}`,
    list: () => listPages((p) => `${base}/issues/${number}/comments?per_page=${PER_PAGE}&page=${p}`, headers),
    create: async (body) =>
      ((await call('POST', `${base}/issues/${number}/comments`, headers, { body })) as { id: number }).id,
    update: async (id, body) => {
      await call('PATCH', `${base}/issues/comments/${id}`, headers, { body });
    },
  };
}

export function gitlabApi(env: NodeJS.ProcessEnv, mr: number | undefined): PullRequestApi {
  const api = need(env, 'CI_API_V4_URL', 'the GitLab API URL (GitLab CI sets it)').replace(/\/$/, '');
  const project = need(env, 'CI_PROJECT_ID', 'the project id (GitLab CI sets it)');
  const token = need(
    env,
    'KUMA_GITOPS_GITLAB_TOKEN',
    'a project or group access token with the api scope, as a masked CI/CD variable (CI_JOB_TOKEN cannot write notes)',
  );
  const iid = mr ?? (env.CI_MERGE_REQUEST_IID ? Number(env.CI_MERGE_REQUEST_IID) : undefined);
  if (iid === undefined || !Number.isInteger(iid)) {
    throw new KumaGitopsError(
      'comment.no-pull-request',
      'no merge request: run the job in merge request pipelines (CI_MERGE_REQUEST_IID) or give --pr N',
    );
  }
  const headers = { 'private-token': token };
  const base = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${iid}/notes`;
  return {
    where: `project ${project} !${iid}`,
    list: () => listPages((p) => `${base}?per_page=${PER_PAGE}&page=${p}&sort=asc`, headers),
    create: async (body) => ((await call('POST', base, headers, { body })) as { id: number }).id,
    update: async (id, body) => {
      await call('PUT', `${base}/${id}`, headers, { body });
    },
  };
}
