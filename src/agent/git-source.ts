import * as fs from 'node:fs';
import { join } from 'node:path';
import git, { Errors } from 'isomorphic-git';
import pRetry, { AbortError } from 'p-retry';
import { KumaGitopsError } from '../errors.js';
import type { Logger } from '../model/log.js';
import { type CountingHttpClient, createGitHttpClient, GitHttpError, redact } from './git-http-client.js';
import type { ProxySettings } from './git-proxy.js';

/**
 * The agent's copy of the remote branch: a bare git directory in the state directory, kept with isomorphic-git.
 * - the first sync fetches the branch's whole single-branch history: a shallow one makes "is the new commit a
 *   descendant of the applied one" answer no (isomorphic-git stops at shallow commits), which looks like a rewind;
 * - a poll asks only for the branch's ref (`listServerRefs`, protocol v1: one GET of a few hundred bytes) and fetches
 *   only when it moved;
 * - after a fetch the local branch ref is moved to the fetched commit: with `singleBranch` that ref is the only
 *   "have" isomorphic-git sends, so without it every fetch downloads the whole history again.
 * A local path (`/srv/git/mesh.git`) is read in place: no copy, no network.
 */
export interface GitSourceOptions {
  stateDir: string;
  url: string;
  branch: string;
  /** `Basic ...` for the Authorization header, built from the credential files. */
  authorization?: string;
  ca?: string;
  timeoutMs: number;
  proxy?: ProxySettings;
  onGitRequest?: (request: 'refs' | 'pack' | 'other', seconds: number) => void;
  /** Further attempts after a network error or timeout (default 4), with exponential backoff from `retryDelayMs`. */
  retries?: number;
  retryDelayMs?: number;
  logger?: Logger;
}

export interface GitSource {
  /** The git directory commits are read from. */
  readonly gitdir: string;
  readonly http: CountingHttpClient | undefined;
  /** The branch's commit on the server, or undefined when the branch does not exist (deleted, or an empty repo). */
  remoteHead(): Promise<string | undefined>;
  /** Make `commit` (the remote head just seen) available locally. */
  fetch(commit: string): Promise<void>;
  /** Whether `commit` is `base` or one of its descendants (full history: no shallow boundary). */
  isForward(base: string, commit: string): Promise<boolean>;
  /** Whether the commit is present locally (a reboot converges without the network). */
  has(commit: string): Promise<boolean>;
}

export class GitSourceError extends KumaGitopsError {}

/** Where the commits of a source are: the local repository itself, or the bare copy in the state directory. */
export function sourceGitdir(url: string, stateDir: string): string {
  if (!url.startsWith('/')) return join(stateDir, 'source.git');
  // A bare repository is its own git directory; a work tree keeps it in .git.
  return fs.existsSync(join(url, '.git')) ? join(url, '.git') : url;
}

export async function openGitSource(o: GitSourceOptions): Promise<GitSource> {
  const ref = `refs/heads/${o.branch}`;
  if (o.url.startsWith('/')) return localSource(sourceGitdir(o.url, o.stateDir), ref);
  const gitdir = sourceGitdir(o.url, o.stateDir);
  if (!fs.existsSync(join(gitdir, 'HEAD'))) {
    fs.mkdirSync(gitdir, { recursive: true, mode: 0o700 });
    await git.init({ fs, gitdir, bare: true, defaultBranch: o.branch });
  }
  await git.addRemote({ fs, gitdir, remote: 'origin', url: o.url, force: true });
  const http = createGitHttpClient({
    authorization: o.authorization,
    ca: o.ca,
    timeoutMs: o.timeoutMs,
    proxy: o.proxy,
  });
  const withRetry = <T>(what: string, fn: () => Promise<T>) => retrying(what, fn, o);
  return {
    gitdir,
    http,
    remoteHead: () =>
      withRetry('list the branch', async () => {
        const refs = await git.listServerRefs({ http, url: o.url, prefix: ref, protocolVersion: 1 });
        return refs.find((r) => r.ref === ref)?.oid;
      }),
    async fetch(commit) {
      if (await hasCommit(gitdir, commit))
        return void (await git.writeRef({ fs, gitdir, ref, value: commit, force: true }));
      await withRetry('fetch the branch', () =>
        git.fetch({ fs, http, gitdir, url: o.url, ref: o.branch, remote: 'origin', singleBranch: true, tags: false }),
      );
      if (!(await hasCommit(gitdir, commit))) {
        throw new GitSourceError(
          'agent.git-fetch',
          `${redact(o.url)}: the fetch did not bring commit ${commit.slice(0, 12)} (the branch moved again?); trying at the next poll`,
          { commit },
        );
      }
      await git.writeRef({ fs, gitdir, ref, value: commit, force: true });
    },
    isForward: (base, commit) => forward(gitdir, base, commit),
    has: (commit) => hasCommit(gitdir, commit),
  };
}

function localSource(gitdir: string, ref: string): GitSource {
  return {
    gitdir,
    http: undefined,
    remoteHead: () => git.resolveRef({ fs, gitdir, ref }).catch(() => undefined),
    fetch: async () => undefined,
    isForward: (base, commit) => forward(gitdir, base, commit),
    has: (commit) => hasCommit(gitdir, commit),
  };
}

async function forward(gitdir: string, base: string, commit: string): Promise<boolean> {
  // isDescendent(x, x) is false: the same commit is forward too.
  if (base === commit) return true;
  return git.isDescendent({ fs, gitdir, oid: commit, ancestor: base, depth: -1 }).catch(() => false);
}

async function hasCommit(gitdir: string, commit: string): Promise<boolean> {
  return git
    .readCommit({ fs, gitdir, oid: commit })
    .then(() => true)
    .catch(() => false);
}

/**
 * Network errors, timeouts and 5xx answers are tried again with exponential backoff; a 401/403 (wrong credentials),
 * a 404 (wrong URL) or a certificate the CA does not vouch for are not: retrying them only hammers the server.
 */
async function retrying<T>(what: string, fn: () => Promise<T>, o: GitSourceOptions): Promise<T> {
  const url = redact(o.url);
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (e) {
        const known = classify(e, url, what);
        throw known.retry ? known.error : new AbortError(known.error);
      }
    },
    {
      retries: o.retries ?? 4,
      minTimeout: o.retryDelayMs ?? 1000,
      factor: 2,
      randomize: true,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0)
          o.logger?.warn({ attemptNumber, retriesLeft, error: error.message }, `git: ${what} failed, trying again`);
      },
    },
  );
}

function classify(e: unknown, url: string, what: string): { error: KumaGitopsError; retry: boolean } {
  if (e instanceof GitHttpError) return { error: e, retry: true };
  const err = e as Error & { code?: string; data?: { statusCode?: number } };
  if (err instanceof Errors.HttpError || err.code === 'HttpError') {
    const status = err.data?.statusCode ?? 0;
    if (status === 401 || status === 403) {
      return {
        retry: false,
        error: new GitSourceError(
          'agent.git-auth',
          `${url}: the server refused our credentials (HTTP ${status}) to ${what}; check the token or the user name and password files`,
          { url, status },
        ),
      };
    }
    const error = new GitSourceError('agent.git-http', `${url}: HTTP ${status} while trying to ${what}`, {
      url,
      status,
    });
    return { error, retry: status >= 500 || status === 429 };
  }
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      retry: false,
      error: new GitSourceError(
        'agent.git-tls',
        `${url}: the server's certificate does not name this host (${err.message.split('\n')[0]}); use the name the certificate was issued for in source.url`,
        { url },
      ),
    };
  }
  const tls = /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_/i.test(`${err.code ?? ''} ${err.message}`);
  if (tls) {
    return {
      retry: false,
      error: new GitSourceError(
        'agent.git-tls',
        `${url}: the server's certificate is not trusted (${err.code ?? err.message}); set source.caFile to the CA that signs it`,
        { url },
      ),
    };
  }
  const network = /^(E[A-Z]+)$/.test(err.code ?? '');
  return {
    retry: network,
    error: new GitSourceError(
      network ? 'agent.git-unreachable' : 'agent.git-protocol',
      `${url}: could not ${what}: ${err.message.split('\n')[0]}`,
      { url, cause: err.code },
    ),
  };
}
