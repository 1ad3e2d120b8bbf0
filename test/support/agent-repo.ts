/**
 * One agent's sync against a local git repository (the `url: /path` source: no network) holding the sample desired
 * state in `desired-state/`, with a recording door in place of the host: for the sync and rollout tests.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../src/agent/agent-config.js';
import type { ApplyRendered, RevisionContext } from '../../src/agent/apply-revision.js';
import { type GitSource, openGitSource } from '../../src/agent/git-source.js';
import type { ReconcileOutcome } from '../../src/reconcile/reconcile-host.js';
import { commitFiles, initRepo } from './git-repo.js';
import { SAMPLE_REPO } from './sample-repo.js';

export interface AgentRepo {
  dir: string;
  stateDir: string;
  /** The first commit: the sample, with `files` over it. */
  first: string;
  /** Commits the door was asked to apply, in order. */
  applied: string[];
  /** The agent's log events, in order. */
  events: string[];
  ctx: RevisionContext;
  source: GitSource;
}

let n = 0;

export async function agentRepo(
  parent: string,
  o: {
    /** Repository files over the sample for the first commit (paths under desired-state/). */
    files?: Record<string, string>;
    /** What the door answers; an Error is thrown. */
    outcome?: ReconcileOutcome['status'] | Error;
    now: () => Date;
    askGate?: RevisionContext['askGate'];
  },
): Promise<AgentRepo> {
  const dir = join(parent, `r${n++}`);
  mkdirSync(dir);
  initRepo(dir);
  cpSync(SAMPLE_REPO, join(dir, 'desired-state'), { recursive: true });
  const first = commitFiles(dir, o.files ?? {}, 'sample');
  const outcome = o.outcome ?? 'applied';
  const applied: string[] = [];
  const apply: ApplyRendered = async (_rendered, commit) => {
    applied.push(commit);
    if (outcome instanceof Error) throw outcome;
    return {
      status: outcome,
      plan: { host: 'example-server', steps: [] } as never,
      ...(outcome === 'rolled-back' ? { error: 'kuma-dp did not become ready' } : {}),
    };
  };
  const config = {
    host: 'example-server',
    source: { url: dir, branch: 'main', path: 'desired-state', pollMs: 1000, timeoutMs: 1000 },
    policy: { writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] },
  } as AgentConfig;
  const stateDir = join(dir, 'state');
  const source = await openGitSource({ stateDir, url: dir, branch: 'main', timeoutMs: 1000 });
  const events: string[] = [];
  const ctx: RevisionContext = {
    config,
    gitdir: source.gitdir,
    salt: 's',
    apply,
    log: (event) => events.push(event),
    now: o.now,
    ...(o.askGate ? { askGate: o.askGate } : {}),
  };
  return { dir, stateDir, first, applied, events, ctx, source };
}
