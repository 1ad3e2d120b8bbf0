/**
 * A host's desired-state repo followed by the agent: the repo becomes the author's git work tree, served bare over
 * HTTP with Basic auth by Debian's `git http-backend` (git-http-server.ts), and an agent config (root-owned, mode
 * 0600) with a token file points the agent at it, with the host's files allowed under `dir`. Used by the agent's
 * e2e tests (e2e/agent-host.ts) and the demo.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitServer, startGitServer } from './git-http-server.js';
import { commitFiles, git, initRepo } from './git-repo.js';
import { CLI } from './world/cli.js';
import { exec, type Result } from './world/exec.js';

export const TOKEN = 'agent-token-4c1d9e';

export interface FollowOptions {
  /** The desired-state working tree (becomes a git repo). */
  repo: string;
  /** The world's folder: served repo, etc/ with config and token, and the policy's write root. */
  dir: string;
  netns: string;
  stateDir: string;
  /** Around every CLI run (the e2e tests take their shared xtables coordination lock). */
  around?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface FollowedRepo {
  server: GitServer;
  config: string;
  /** Commit (and push) files in the author's tree; returns the commit. */
  commit(files: Record<string, string | null>, message: string): string;
  /** Commit (and push) with an SSH signature by `key` (a private key file). */
  commitSigned(files: Record<string, string | null>, message: string, key: string): string;
  /** Rewrite the branch: reset the author to `to`, commit `files` (signed with `key` if given), force-push. */
  forcePush(to: string, files: Record<string, string | null>, message: string, key?: string): string;
  /** `kuma-gitops agent --once`; its JSON log lines parsed. */
  once(env?: Record<string, string>): Promise<Result & { events: AgentEvent[] }>;
  cli(args: string[], env?: Record<string, string>): Promise<Result>;
  /** Write the config (readyTimeout 30 s unless given). */
  writeConfig(o?: { readyTimeout?: string; verify?: string; pollInterval?: string; extra?: string }): void;
  /** A long-running agent, for signal and lock tests. */
  start(env?: Record<string, string>): { child: ChildProcess; done: Promise<Result>; output(): string };
}

export interface AgentEvent {
  msg: string;
  level: number;
  [key: string]: unknown;
}

export async function followRepo(h: FollowOptions): Promise<FollowedRepo & { close(): Promise<void> }> {
  const around = h.around ?? (<T>(fn: () => Promise<T>) => fn());
  const children = new Set<{ kill(): void; done: Promise<Result> }>();
  initRepo(h.repo);
  commitFiles(h.repo, {}, 'the sample desired state');
  const served = join(h.dir, 'served');
  mkdirSync(served);
  git(h.dir, 'clone', '-q', '--bare', h.repo, join(served, 'mesh.git'));
  git(h.repo, 'remote', 'add', 'origin', join(served, 'mesh.git'));
  const server = await startGitServer({ root: served, auth: { username: 'x-access-token', password: TOKEN } });
  const etc = join(h.dir, 'etc');
  mkdirSync(etc, { mode: 0o700 });
  const token = join(etc, 'token');
  writeFileSync(token, `${TOKEN}\n`, { mode: 0o600 });
  const config = join(etc, 'agent.yaml');
  const a: FollowedRepo & { close(): Promise<void> } = {
    server,
    config,
    commit(files, message) {
      const c = commitFiles(h.repo, files, message);
      git(h.repo, 'push', '-q', 'origin', 'HEAD:main');
      return c;
    },
    commitSigned(files, message, key) {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) rmSync(join(h.repo, path), { force: true });
        else writeFileSync(join(h.repo, path), text);
      }
      git(h.repo, 'add', '-A');
      git(h.repo, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, 'commit', '-q', '-S', '-m', message);
      git(h.repo, 'push', '-q', 'origin', 'HEAD:main');
      return git(h.repo, 'rev-parse', 'HEAD');
    },
    forcePush(to, files, message, key) {
      git(h.repo, 'reset', '-q', '--hard', to);
      if (key !== undefined) {
        for (const [path, text] of Object.entries(files)) writeFileSync(join(h.repo, path), text ?? '');
        git(h.repo, 'add', '-A');
        git(h.repo, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, 'commit', '-q', '-S', '-m', message);
      } else commitFiles(h.repo, files, message);
      git(h.repo, 'push', '-q', '--force', 'origin', 'HEAD:main');
      return git(h.repo, 'rev-parse', 'HEAD');
    },
    async once(env) {
      const r = await a.cli(['agent', '--once'], env);
      return { ...r, events: parseEvents(r.stdout) };
    },
    cli: (args, env) =>
      around(() =>
        // `agent accept` touches no network: it takes no --netns.
        exec(
          [process.execPath, CLI, ...args, '--config', config, ...(args[1] === 'accept' ? [] : ['--netns', h.netns])],
          {
            timeoutMs: 180_000,
            ...(env ? { env } : {}),
          },
        ),
      ),
    writeConfig(o = {}) {
      writeFileSync(
        config,
        `host: example-server
source:
  url: ${server.url}/mesh.git
  auth:
    tokenFile: ${token}
  pollInterval: ${o.pollInterval ?? '1s'}
  timeout: 10s
stateDir: ${h.stateDir}
readyTimeout: ${o.readyTimeout ?? '30s'}
policy:
  writeRoots: [${h.dir}/]
metrics:
  listen: 127.0.0.1:0
${o.verify ?? ''}${o.extra ?? ''}`,
        { mode: 0o600 },
      );
      chmodSync(config, 0o600);
    },
    start(env) {
      const child = spawn(process.execPath, [CLI, 'agent', '--config', config, '--netns', h.netns], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(env ? { env: { ...process.env, ...env } } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => {
        stdout += d;
      });
      child.stderr!.on('data', (d) => {
        stderr += d;
      });
      const done = new Promise<Result>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
      );
      children.add({ kill: () => child.kill('SIGKILL'), done });
      return { child, done, output: () => stdout };
    },
    async close() {
      for (const c of children) c.kill();
      await Promise.all([...children].map((c) => c.done));
      await server.close();
    },
  };
  a.writeConfig();
  return a;
}

export function parseEvents(stdout: string): AgentEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AgentEvent);
}
