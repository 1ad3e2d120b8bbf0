import { readFile } from 'node:fs/promises';
import { KumaGitopsError } from '../errors.js';
import { detectIptablesBackend, type IptablesBackend } from '../live/iptables-backend.js';
import { composeHostFacts, readNetworkFacts } from '../live/read-facts.js';
import { type LiveProcess, readProcess } from '../live/read-process.js';
import { readRules } from '../live/read-rules.js';
import { readUserDb, type UserDb } from '../live/users.js';
import type { ResolvedHostFacts } from '../model/host-facts.js';
import type { LiveRules } from '../model/live-state.js';
import { createHostSupervisor } from '../supervisor/host-supervisor.js';
import type { Supervisor, SupervisorKind } from '../supervisor/supervisor.js';
import type { CommandRunner } from '../system/command-runner.js';
import { type AdoptedKumaDp, adoptKumaDpCommand } from './kuma-dp-settings.js';

/**
 * The live-state stage of an adoption: everything `adopt` reads from a host set up by hand, and nothing more. The
 * token file is named by its path only; it is never opened.
 */
export interface Adoptee {
  process: LiveProcess;
  kumaDp: AdoptedKumaDp;
  /** The Dataplane template kuma-dp was started with (--dataplane-file), as it is on disk. */
  template: { path: string; text: string } | undefined;
  /** `kuma-dp version`'s first x.y.z, when the binary answered. */
  versionAnswer: { version: string; text: string } | { error: string };
  rules: LiveRules;
  facts: ResolvedHostFacts;
  backend: IptablesBackend;
  users: UserDb;
  supervisor: Supervisor;
}

export async function readAdoptee(o: {
  host: string;
  runner: CommandRunner;
  stateDir: string;
  supervisor: SupervisorKind;
}): Promise<Adoptee> {
  const { runner } = o;
  const supervisor = await createHostSupervisor({ kind: o.supervisor, ...o, netns: runner.netns });
  const pid = (await supervisor.status())?.pid;
  const process = pid === undefined ? undefined : await readProcess(pid);
  if (!process) {
    throw new KumaGitopsError(
      'adopt.no-kuma-dp',
      `no kuma-dp runs ${runner.netns ? `in namespace ${runner.netns}` : 'on this host'}: adopt reads the running one (start it the guide's way, runuser -u kuma-dp -- kuma-dp run ...), then run adopt again; nothing was written`,
    );
  }
  const [backend, users, network] = await Promise.all([
    detectIptablesBackend(runner),
    readUserDb(),
    readNetworkFacts(runner),
  ]);
  const kumaDp = adoptKumaDpCommand(process.argv, process.env);
  const [rules, template, versionAnswer] = await Promise.all([
    readRules(runner, backend),
    kumaDp.templatePath === undefined ? undefined : readText(kumaDp.templatePath),
    askVersion(runner, kumaDp, process.env),
  ]);
  if (kumaDp.templatePath !== undefined && template === undefined) {
    kumaDp.problems.push(`the Dataplane template ${kumaDp.templatePath} (--dataplane-file) cannot be read`);
  }
  return {
    process,
    kumaDp,
    template: template === undefined ? undefined : { path: kumaDp.templatePath!, text: template },
    versionAnswer,
    rules,
    facts: composeHostFacts(network, backend, users),
    backend,
    users,
    supervisor,
  };
}

const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * `kuma-dp version`, run as the user kuma-dp runs as, with its KUMA_* variables (nothing from kuma-gitops's own
 * environment). Inferred: the first x.y.z in its output is the version (kuma-dp prints `Kuma: 2.14.3`-style lines).
 */
async function askVersion(
  runner: CommandRunner,
  kd: AdoptedKumaDp,
  env: Record<string, string>,
): Promise<Adoptee['versionAnswer']> {
  const { user, binary } = kd.kumaDp;
  if (user === undefined || binary === undefined) return { error: 'the kuma-dp binary is not known' };
  const kumaEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KUMA_')));
  try {
    const r = await runner.run(['runuser', '-u', user, '--', binary, 'version'], {
      inNetns: false,
      allowFailure: true,
      timeoutMs: 10_000,
      env: kumaEnv,
    });
    const m = /\b(\d+\.\d+\.\d+)\b/.exec(r.stdout);
    if (r.exitCode === 0 && m) return { version: m[1]!, text: r.stdout.trim() };
    return { error: `\`${binary} version\` ${r.exitCode === 0 ? 'printed no version' : `exited ${r.exitCode}`}` };
  } catch (error) {
    return { error: `\`${binary} version\` failed: ${(error as Error).message}` };
  }
}
