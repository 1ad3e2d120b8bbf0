/**
 * A local stand-in for the two REST endpoints the review job uses, on 127.0.0.1: GitHub's issue comments and GitLab's
 * merge request notes. It keeps the comments in memory (paged like the real APIs) and records every call, so a test
 * can say "the first run created, the second updated the same comment".
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiCall {
  method: string;
  path: string;
  auth: string | undefined;
}

export interface PullRequestApiServer {
  url: string;
  calls: ApiCall[];
  /** The comments of one pull or merge request, by its list path (`/repos/o/r/issues/7/comments`). */
  thread(path: string): { id: number; body: string }[];
  close(): Promise<void>;
}

const GITHUB_LIST = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/;
const GITHUB_EDIT = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/;
const GITLAB_LIST = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/;
const GITLAB_EDIT = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes\/(\d+)$/;

const bodyOf = async (req: IncomingMessage): Promise<{ body?: string }> => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
};

/** `seed` comments without the marker are there first, like a busy pull request's. */
export async function startPullRequestApiServer(seed = 0): Promise<PullRequestApiServer> {
  const calls: ApiCall[] = [];
  let nextId = 1;
  const threads = new Map<string, { id: number; body: string }[]>();
  const thread = (path: string) => {
    let comments = threads.get(path);
    if (!comments) {
      comments = Array.from({ length: seed }, () => ({ id: nextId, body: `a reviewer's comment ${nextId++}` }));
      threads.set(path, comments);
    }
    return comments;
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? (req.headers['private-token'] as string | undefined);
    calls.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, auth });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    const list = GITHUB_LIST.exec(url.pathname) ?? GITLAB_LIST.exec(url.pathname);
    const edit = GITHUB_EDIT.exec(url.pathname) ?? GITLAB_EDIT.exec(url.pathname);
    const comments = list ? thread(url.pathname) : [...threads.values()].flat();
    if (list && req.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      return send(200, comments.slice((page - 1) * perPage, page * perPage));
    }
    if (list && req.method === 'POST') {
      const comment = { id: nextId++, body: (await bodyOf(req)).body ?? '' };
      comments.push(comment);
      return send(201, comment);
    }
    if (edit && (req.method === 'PATCH' || req.method === 'PUT')) {
      const comment = comments.find((c) => c.id === Number(edit.at(-1)));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = (await bodyOf(req)).body ?? '';
      return send(200, comment);
    }
    send(404, { message: `no such endpoint: ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    thread,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
