/**
 * An e2e host (e2e-host.ts) followed by the agent: its desired-state repo becomes the author's git work tree, served
 * bare over HTTP with Basic auth by Debian's `git http-backend` (git-http-server.ts), and an agent config (root-owned,
 * mode 0600) with a token file points the agent at it, with the host's files allowed under the world's folder.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitServer, startGitServer } from '../git-http-server.js';
import { commitFiles, git, initRepo } from '../git-repo.js';
import { CLI } from '../world/cli.js';
import { exec, type Result } from '../world/exec.js';
import type { E2eHost } from './e2e-host.js';
import { withSharedCoord } from './e2e-host.js';

export const TOKEN = 'agent-token-4c1d9e';

export interface AgentHost {
  h: E2eHost;
  server: GitServer;
  config: string;
  /** Commit (and push) files in the author's tree; returns the commit. */
  commit(files: Record<string, string | null>, message: string): string;
  /** Commit (and push) with an SSH signature by `key` (a private key file). */
  commitSigned(files: Record<string, string | null>, message: string, key: string): string;
  /** Rewrite the branch: reset the author to `to`, commit `files`, force-push. */
  forcePush(to: string, files: Record<string, string | null>, message: string): string;
  /** `kuma-gitops agent --once`; its JSON log lines parsed. */
  once(env?: Record<string, string>): Promise<Result & { events: AgentEvent[] }>;
  cli(args: string[], env?: Record<string, string>): Promise<Result>;
  /** Write the config (readyTimeout 30 s unless given). */
  writeConfig(o?: { readyTimeout?: string; verify?: string }): void;
  /** A long-running agent, for signal and lock tests. */
  start(): { child: ChildProcess; done: Promise<Result> };
}

export interface AgentEvent {
  msg: string;
  level: number;
  [key: string]: unknown;
}

export async function followedHost(h: E2eHost): Promise<AgentHost> {
  initRepo(h.repo);
  commitFiles(h.repo, {}, 'the sample desired state');
  const served = join(h.dir, 'served');
  mkdirSync(served);
  git(h.dir, 'clone', '-q', '--bare', h.repo, join(served, 'mesh.git'));
  git(h.repo, 'remote', 'add', 'origin', join(served, 'mesh.git'));
  const server = await startGitServer({ root: served, auth: { username: 'x-access-token', password: TOKEN } });
  h.onCleanup(() => server.close());
  const etc = join(h.dir, 'etc');
  mkdirSync(etc, { mode: 0o700 });
  const token = join(etc, 'token');
  writeFileSync(token, `${TOKEN}\n`, { mode: 0o600 });
  const config = join(etc, 'agent.yaml');
  const a: AgentHost = {
    h,
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
    forcePush(to, files, message) {
      git(h.repo, 'reset', '-q', '--hard', to);
      const c = commitFiles(h.repo, files, message);
      git(h.repo, 'push', '-q', '--force', 'origin', 'HEAD:main');
      return c;
    },
    async once(env) {
      const r = await a.cli(['agent', '--once'], env);
      return { ...r, events: parseEvents(r.stdout) };
    },
    cli: (args, env) =>
      withSharedCoord(() =>
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
  pollInterval: 1s
  timeout: 10s
stateDir: ${h.stateDir}
readyTimeout: ${o.readyTimeout ?? '30s'}
policy:
  writeRoots: [${h.dir}/]
${o.verify ?? ''}`,
        { mode: 0o600 },
      );
      chmodSync(config, 0o600);
    },
    start() {
      const child = spawn(process.execPath, [CLI, 'agent', '--config', config, '--netns', h.netns], {
        stdio: ['ignore', 'pipe', 'pipe'],
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
      h.onCleanup(async () => {
        child.kill('SIGKILL');
        await done;
      });
      return { child, done };
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
