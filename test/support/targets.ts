import { compileRepo } from '../../src/compile/compile-repo.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { HostTarget } from '../../src/model/host-target.js';
import type { LiveState } from '../../src/model/live-state.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { buildHostTarget } from '../../src/reconcile/build-target.js';
import { resolveHostFacts } from '../../src/tproxy/rules/host-facts.js';
import { SAMPLE_REPO } from './sample-repo.js';

/** The reconcile target of one sample host for the given live facts. */
export async function sampleTarget(
  name: string,
  dir = SAMPLE_REPO,
  facts = resolveHostFacts({ dnsServers: ['10.0.0.2'] }),
): Promise<HostTarget> {
  const repo = await loadRepo(dirRepoReader(dir));
  const [result] = compileRepo(repo, name);
  const rendered = result!.rendered!;
  const { target, problems } = buildHostTarget(rendered.desired, rendered, facts);
  if (!target) throw new Error(problems.join('; '));
  return target;
}

/** A live host exactly as the target wants it (no foreign rules unless given). */
export function liveInSync(target: HostTarget, facts = resolveHostFacts({ dnsServers: ['10.0.0.2'] })): LiveState {
  const families: LiveState['rules']['families'] = {};
  for (const [family, set] of Object.entries(target.rules.expected)) {
    families[family as keyof typeof families] = set as SavedRuleSet;
  }
  return {
    facts: { ...facts, users: { ...facts.users, [target.kumaDpUser.name]: target.kumaDpUser.uid } },
    rules: { backend: 'nft', families },
    nft: { ruleset: { tables: [] } },
    kumaDp: {
      pid: 4242,
      argv: target.kumaDp.argv,
      env: { PATH: '/usr/bin', ...target.kumaDp.env },
      uid: target.kumaDpUser.uid,
      ready: true,
    },
    files: Object.fromEntries(
      target.files.map((f) => [f.path, { content: f.content, mode: f.mode, uid: f.uid, gid: f.gid }]),
    ),
    access: target.access.map((need) => ({ ...need, state: 'ok' as const })),
  };
}

/** The live state with its IPv4 `*-save` text edited (a flush, a foreign chain, a changed rule), parsed back. */
export function editIpv4Save(live: LiveState, edit: (save: string) => string): LiveState {
  const ipv4 = parseSave(edit(formatSave(live.rules.families.ipv4 as SavedRuleSet)));
  return { ...live, rules: { ...live.rules, families: { ...live.rules.families, ipv4 } } };
}
