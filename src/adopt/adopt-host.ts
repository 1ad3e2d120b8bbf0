import { loadRepo } from '../desired/load-repo.js';
import { memoryRepoReader } from '../desired/memory-reader.js';
import { KumaGitopsError } from '../errors.js';
import { dirRepoReader } from '../io/dir-reader.js';
import { readLive } from '../live/read-live-state.js';
import { refuseUnlessRootAndNetns } from '../reconcile/prepare-host.js';
import type { SupervisorKind } from '../supervisor/supervisor.js';
import { createCommandRunner } from '../system/execa-runner.js';
import type { HostPolicy } from '../validate/host-policy.js';
import type { SourceFile } from '../yaml/yaml-source.js';
import { adoptedTproxy } from './adopted-tproxy.js';
import { type AdoptionChoice, chooseAdoption } from './choose-adoption.js';
import { readAdoptee } from './read-adoptee.js';

/**
 * `adopt`: read a host set up by hand, find the desired state that describes exactly what runs there, and prove it
 * with a plan that must be empty. Reads only; writing the files is the caller's (and only when the plan is empty).
 */
export interface AdoptOptions {
  host: string;
  repo: string;
  netns: string | undefined;
  stateDir: string;
  supervisor: SupervisorKind;
  policy: HostPolicy;
}

export interface Adoption {
  host: string;
  kumaVersion: { version: string; from: string };
  backend: 'nft' | 'legacy';
  kumaDpPid: number;
  choice: AdoptionChoice;
  /** The host exactly as it runs (its own tproxy layer): its errors say why nothing was accepted. */
  exact: AdoptionChoice | undefined;
  /** How many candidates were compiled and planned. */
  tried: number;
}

export async function adoptHost(o: AdoptOptions): Promise<Adoption> {
  refuseUnlessRootAndNetns(o.host, o.netns);
  const reader = dirRepoReader(o.repo);
  const paths = await reader.list();
  if (paths.includes(`hosts/${o.host}.yaml`)) {
    throw new KumaGitopsError(
      'adopt.host-exists',
      `${o.repo}/hosts/${o.host}.yaml exists already: adopt writes a new host file; use plan to compare that one with the host, or remove it; nothing was written`,
      { host: o.host },
    );
  }
  const files = new Map<string, SourceFile>();
  for (const path of paths) {
    const file = await reader.read(path);
    if (file) files.set(path, file);
  }
  const repo = await loadRepo(memoryRepoReader(reader.label, files));
  const runner = createCommandRunner({ netns: o.netns });
  const adoptee = await readAdoptee({ host: o.host, runner, stateDir: o.stateDir, supervisor: o.supervisor });
  const problems = [...adoptee.kumaDp.problems];
  const tproxy = adoptedTproxy(adoptee, repo.fleet?.data.kumaVersion);
  if (!tproxy.ok) problems.push(...tproxy.problems);
  if (problems.length > 0 || !tproxy.ok || !adoptee.template) {
    throw new KumaGitopsError(
      'adopt.not-expressible',
      `host ${o.host} cannot be described by the desired state as it runs (${problems.length} problem(s)); nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { problems },
    );
  }
  const { best, exact, tried } = await chooseAdoption({
    host: o.host,
    repo,
    files,
    kumaDp: adoptee.kumaDp,
    uid: adoptee.process.uid,
    templateText: adoptee.template.text,
    kumaVersion: tproxy.version,
    tproxy: tproxy.config,
    facts: adoptee.facts,
    policy: o.policy,
    header: `# Adopted by kuma-gitops adopt from the running host: Kuma ${tproxy.version} (${tproxy.from}), iptables ${adoptee.rules.backend}.\n`,
    readLive: async (target) =>
      (await readLive(runner, target, adoptee.process.pid, { backend: adoptee.backend, users: adoptee.users })).state,
  });
  return {
    host: o.host,
    kumaVersion: { version: tproxy.version, from: tproxy.from },
    backend: adoptee.rules.backend,
    kumaDpPid: adoptee.process.pid,
    choice: best,
    exact,
    tried: tried.length,
  };
}
