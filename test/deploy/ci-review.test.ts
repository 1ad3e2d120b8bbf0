/**
 * deploy/ci/: the pull-request review jobs. The workflow files pass their validators (action-validator for GitHub
 * Actions, gitlab-ci-local's check against GitLab's CI schema), and their script part runs for real with bash, as
 * the runners run it, against a fixture repository (a base and a head commit of the sample desired state) and a
 * local API server that records the calls: the first run creates the comment, the next updates it, never a second.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REVIEW_MARKER } from '../../src/review/review-comment.js';
import { type PullRequestApiServer, startPullRequestApiServer } from '../support/pull-request-api-server.js';
import { CLI, SAMPLE_REPO } from '../support/world/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GITHUB_FILE = join(ROOT, 'deploy/ci/github/kuma-gitops-review.yml');
const GITLAB_FILE = join(ROOT, 'deploy/ci/gitlab/kuma-gitops-review.gitlab-ci.yml');
const work = mkdtempSync(join(tmpdir(), 'kg-ci-review-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const HOST = 'desired-state/hosts/example-server.yaml';

/** origin (bare, main at the base commit) and a clone whose HEAD is the pull request's head commit. */
function fixtureRepo(name: string): { dir: string; commit(edit: (host: string) => string, message: string): void } {
  const seed = join(work, `${name}-seed`);
  mkdirSync(seed);
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'config', 'user.email', 'dev@example.com');
  git(seed, 'config', 'user.name', 'dev');
  cpSync(SAMPLE_REPO, join(seed, 'desired-state'), { recursive: true });
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'base');
  git(work, 'clone', '-q', '--bare', seed, `${name}-origin.git`);
  git(work, 'clone', '-q', `${name}-origin.git`, name);
  const dir = join(work, name);
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'dev');
  git(dir, 'checkout', '-q', '-b', 'change');
  const commit = (edit: (host: string) => string, message: string) => {
    writeFileSync(join(dir, HOST), edit(readFileSync(join(dir, HOST), 'utf8')));
    git(dir, 'commit', '-q', '-am', message);
  };
  return { dir, commit };
}

/** `kuma-gitops` on PATH: the built CLI, as `npm install --global` would put it. */
const bin = join(work, 'bin');
beforeAll(() => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'kuma-gitops'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'kuma-gitops'), 0o755);
});

/**
 * The runners' own invocation for a bash script: `bash --noprofile --norc -eo pipefail FILE`. Asynchronous: the API
 * server answers from this process.
 */
async function runScript(script: string, cwd: string, env: Record<string, string>) {
  const file = join(work, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: work, LANG: 'C.UTF-8', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, stdout, stderr };
}

let api: PullRequestApiServer;
beforeAll(async () => {
  api = await startPullRequestApiServer(150);
});
afterAll(() => api.close());
afterEach(() => {
  api.calls.length = 0;
});
const GITHUB_THREAD = '/repos/acme/mesh/issues/7/comments';
const GITLAB_THREAD = '/api/v4/projects/42/merge_requests/9/notes';
const ours = (thread: string) => api.thread(thread).filter((c) => c.body.startsWith(REVIEW_MARKER));
const writes = () => api.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

describe('the workflow files pass their validators', () => {
  it('GitHub Actions: action-validator', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/@action-validator/cli/cli.mjs'), GITHUB_FILE], {
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("GitLab CI: gitlab-ci-local's check against GitLab's CI schema", () => {
    const dir = join(work, 'gitlab-lint');
    mkdirSync(dir);
    git(dir, 'init', '-q');
    cpSync(GITLAB_FILE, join(dir, '.gitlab-ci.yml'));
    const lint = () =>
      spawnSync(process.execPath, [join(ROOT, 'node_modules/gitlab-ci-local/src/index.js'), '--list'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const r = lint();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('json schema validated');
    // The check can fail: a misspelt key is refused.
    writeFileSync(join(dir, '.gitlab-ci.yml'), readFileSync(GITLAB_FILE, 'utf8').replace('artifacts:', 'artifact:'));
    expect(lint().status).not.toBe(0);
  });
});

describe('GitHub Actions review job, run for real', () => {
  const workflow = parse(readFileSync(GITHUB_FILE, 'utf8'));
  const job = workflow.jobs.review;
  const step = job.steps.find((s: { id?: string }) => s.id === 'review');
  const repo = fixtureRepo('github');
  const event = join(work, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  const summary = join(work, 'summary.md');
  const run = () =>
    runScript(step.run, repo.dir, {
      ...job.env,
      GITHUB_BASE_REF: 'main',
      GITHUB_REPOSITORY: 'acme/mesh',
      GITHUB_API_URL: api.url,
      GITHUB_EVENT_PATH: event,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_TOKEN: 'gh-token',
      HEAD_REPOSITORY: 'acme/mesh',
    });

  it('the job has what the review needs: full history, write access to pull requests, the token passed in', () => {
    expect(workflow.on.pull_request.paths).toEqual(['desired-state/**']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(job.steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, literally
    expect(step.env.GITHUB_TOKEN).toBe('${{ github.token }}');
  });

  it('first run creates the comment, a second run updates the same one; the summary has the review', async () => {
    repo.commit((h) => h.replace('port: 8080', 'port: 8081'), 'move example-server to 8081');
    const first = await run();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(writes()).toEqual(['POST /repos/acme/mesh/issues/7/comments']);
    expect(api.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual([
      '/repos/acme/mesh/issues/7/comments?per_page=100&page=1',
      '/repos/acme/mesh/issues/7/comments?per_page=100&page=2',
    ]);
    expect(new Set(api.calls.map((c) => c.auth))).toEqual(new Set(['Bearer gh-token']));
    expect(ours(GITHUB_THREAD)).toHaveLength(1);
    expect(ours(GITHUB_THREAD)[0]!.body).toContain('example-server');
    expect(ours(GITHUB_THREAD)[0]!.body).toContain('8081');
    expect(readFileSync(summary, 'utf8')).toContain('example-server');

    api.calls.length = 0;
    repo.commit((h) => h.replace('port: 8081', 'port: 8082'), 'then 8082');
    const second = await run();
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(writes()).toEqual([`PATCH /repos/acme/mesh/issues/comments/${ours(GITHUB_THREAD)[0]!.id}`]);
    expect(ours(GITHUB_THREAD)).toHaveLength(1);
    expect(ours(GITHUB_THREAD)[0]!.body).toContain('8082');
    expect(api.thread(GITHUB_THREAD)).toHaveLength(151);
  });

  it('an invalid head fails the job, and the comment says why', async () => {
    repo.commit((h) => h.replace('port: 8082', 'port: [8082'), 'break the YAML');
    const r = await run();
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('::error::the desired state is invalid');
    expect(writes()).toEqual([`PATCH /repos/acme/mesh/issues/comments/${ours(GITHUB_THREAD)[0]!.id}`]);
    expect(ours(GITHUB_THREAD)[0]!.body).toContain('hosts/example-server.yaml');
    expect(ours(GITHUB_THREAD)).toHaveLength(1);
  });
});

describe('GitLab CI review job, run for real', () => {
  const pipeline = parse(readFileSync(GITLAB_FILE, 'utf8'));
  const job = pipeline['kuma-gitops-review'];
  const repo = fixtureRepo('gitlab');
  const run = () =>
    runScript(job.script.join('\n'), repo.dir, {
      ...job.variables,
      CI_API_V4_URL: `${api.url}/api/v4`,
      CI_PROJECT_ID: '42',
      CI_MERGE_REQUEST_IID: '9',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      KUMA_GITOPS_GITLAB_TOKEN: 'gl-token',
    });

  it('first run creates the note, a second run updates it; an invalid head fails the job', async () => {
    expect(job.rules[0].if).toBe('$CI_PIPELINE_SOURCE == "merge_request_event"');
    expect(job.variables.GIT_DEPTH).toBe('0');
    repo.commit((h) => h.replace('port: 8080', 'port: 9090'), 'move example-server to 9090');
    const first = await run();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(writes()).toEqual(['POST /api/v4/projects/42/merge_requests/9/notes']);
    expect(new Set(api.calls.map((c) => c.auth))).toEqual(new Set(['gl-token']));
    const note = ours(GITLAB_THREAD).at(-1)!;
    expect(ours(GITLAB_THREAD)).toHaveLength(1);
    expect(note.body).toContain('9090');

    api.calls.length = 0;
    repo.commit((h) => h.replace('port: 9090', 'port: [9091'), 'break it');
    const second = await run();
    expect(second.status).toBe(1);
    expect(writes()).toEqual([`PUT /api/v4/projects/42/merge_requests/9/notes/${note.id}`]);
    expect(note.body).toContain('hosts/example-server.yaml');
    expect(ours(GITLAB_THREAD)).toHaveLength(1);
  });
});
