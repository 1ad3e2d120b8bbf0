import { compileRepo } from '../compile/compile-repo.js';
import { loadRepo } from '../desired/load-repo.js';
import { memoryRepoReader } from '../desired/memory-reader.js';
import type { Issue } from '../issues.js';
import type { ResolvedHostFacts } from '../model/host-facts.js';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { Plan } from '../model/plan.js';
import { buildHostTarget } from '../reconcile/build-target.js';
import { planHost } from '../reconcile/plan-host.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import { formatTproxyConfigChangesYaml } from '../tproxy/format-config.js';
import type { HostPolicy } from '../validate/host-policy.js';
import type { SourceFile } from '../yaml/yaml-source.js';
import { type AdoptionBase, type Candidate, hostCandidates, hostFileText } from './host-candidates.js';

/**
 * Which candidate to write: every candidate is compiled with the repository, made concrete for the live facts and
 * planned against the live host. Accepted only with an empty plan; among those, the fewest lines written.
 */
export interface AdoptionChoice {
  candidate: Candidate;
  /** Repository path -> text of every file to write, hosts/<host>.yaml first. */
  files: Map<string, string>;
  plan: Plan | undefined;
  /** Errors compiling it (then no plan). */
  issues: Issue[];
  lines: number;
}

export interface ChooseInput extends AdoptionBase {
  files: ReadonlyMap<string, SourceFile>;
  tproxy: TproxyConfig;
  facts: ResolvedHostFacts;
  policy: HostPolicy;
  header: string;
  /** The live host, read for the first target (every candidate has the same paths and ports). */
  readLive(target: HostTarget): Promise<LiveState>;
}

/**
 * `best` is the one to write when its plan is empty. `exact` is the host as it runs, on the fleet alone with its own
 * tproxy layer: when nothing is accepted, its errors (a check of the repository the host breaks) say why.
 */
export async function chooseAdoption(
  input: ChooseInput,
): Promise<{ best: AdoptionChoice; exact: AdoptionChoice | undefined; tried: AdoptionChoice[] }> {
  const tried: AdoptionChoice[] = [];
  let exact: AdoptionChoice | undefined;
  let live: LiveState | undefined;
  for (const candidate of hostCandidates(input)) {
    const plain = await evaluate(input, candidate);
    tried.push(plain.choice);
    if (!plain.tproxy) continue;
    // The same host with its own tproxy layer: only what differs from the layers' config. The rules name the
    // kuma-dp user by its uid only, so the layers' user (kumactl finds kuma-dp or uid 5678 itself) is tried too.
    const layer = `tproxy/${input.host}.yaml`;
    const own = { ...input.tproxy, kumaDPUser: plain.tproxy.kumaDPUser };
    for (const config of input.tproxy.kumaDPUser === own.kumaDPUser ? [input.tproxy] : [input.tproxy, own]) {
      const withLayer: Candidate = {
        ...candidate,
        doc: { ...candidate.doc, tproxyConfig: layer },
        extra: new Map([...candidate.extra, [layer, formatTproxyConfigChangesYaml(config, plain.tproxy)]]),
      };
      const choice = (await evaluate(input, withLayer)).choice;
      exact ??= choice;
      tried.push(choice);
    }
  }
  async function evaluate(i: ChooseInput, candidate: Candidate) {
    const files = new Map([[`hosts/${i.host}.yaml`, hostFileText(candidate.doc, i.header)], ...candidate.extra]);
    const all = new Map(i.files);
    for (const [path, text] of files) all.set(path, { path, text });
    const [result] = compileRepo(await loadRepo(memoryRepoReader(i.repo.label, all)), i.host, i.policy);
    const lines = [...files.values()].reduce((n, text) => n + text.split('\n').length - 1, 0);
    const errors = result!.issues.filter((issue) => issue.severity === 'error');
    const rendered = result!.rendered;
    if (errors.length > 0 || !rendered) {
      return { choice: { candidate, files, plan: undefined, issues: errors, lines }, tproxy: rendered?.tproxy.config };
    }
    const { target, problems } = buildHostTarget(rendered.desired, rendered, i.facts);
    if (!target) {
      const file = `hosts/${i.host}.yaml`;
      const issues = problems.map((message): Issue => ({ severity: 'error', code: 'adopt.rules', file, message }));
      return { choice: { candidate, files, plan: undefined, issues, lines }, tproxy: rendered.tproxy.config };
    }
    live ??= await i.readLive(target);
    return {
      choice: { candidate, files, plan: planHost(target, live), issues: [], lines },
      tproxy: rendered.tproxy.config,
    };
  }
  const empty = tried.filter((t) => t.plan?.steps.length === 0);
  const pool = empty.length > 0 ? empty : tried.filter((t) => t.plan !== undefined);
  // Not compiling ranks last; then the fewest remaining steps; then the fewest lines.
  const score = (t: AdoptionChoice) => (t.plan === undefined ? 1e9 : t.plan.steps.length * 10_000) + t.lines;
  const best = [...(pool.length > 0 ? pool : tried)].sort((a, b) => score(a) - score(b))[0]!;
  return { best, exact, tried };
}
