import { diffRuleSets, type RuleDifference } from '../iptables/drift.js';
import { isKumaOwned } from '../iptables/model.js';
import type { DriftClass } from '../model/drift-class.js';
import { FAMILIES } from '../model/family.js';
import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import { sameKumaDpCommand } from '../render/kuma-dp-argv.js';
import { describeShadowing, nativeNftReport } from './native-nft-report.js';
import { envDiff, sameFileContent } from './plan-host.js';

/**
 * Drift, classified: how a host that was in sync with its target differs now. Each class has a stable name used in
 * logs, alerts and metrics. Foreign rules are never drift (iptables/drift.ts looks at what Kuma owns only). Pure.
 */
export { DRIFT_CLASSES, type DriftClass } from '../model/drift-class.js';

export interface DriftFinding {
  class: DriftClass;
  /** One line for logs and alerts, e.g. `ipv4 nat: chain KUMA_MESH_INBOUND missing`. */
  detail: string;
}

const MISSING: ReadonlySet<RuleDifference['kind']> = new Set(['missing-chain', 'jump-missing']);

export function classifyDrift(target: HostTarget, live: LiveState): DriftFinding[] {
  const out: DriftFinding[] = [];
  const add = (c: DriftClass, detail: string) => out.push({ class: c, detail });

  for (const family of FAMILIES) {
    const expected = target.rules.expected[family];
    const have = live.rules.families[family];
    if (!expected) {
      const owned = have?.tables.flatMap((t) => t.rules.filter((r) => isKumaOwned(r)).map(() => t.name)) ?? [];
      if (owned.length > 0) add('rules-changed', `${family}: ${owned.length} Kuma rule(s) where none belong`);
      continue;
    }
    if (!have) {
      add('rules-missing', `${family}: no ${family} rules can be read at all`);
      continue;
    }
    const diffs = diffRuleSets(expected, have, family);
    const first = (kinds: (k: RuleDifference['kind']) => boolean) => diffs.find((d) => kinds(d.kind));
    const missing = first((k) => MISSING.has(k));
    if (missing) add('rules-missing', describe(missing, diffs.filter((d) => MISSING.has(d.kind)).length));
    const displaced = first((k) => k === 'jump-displaced');
    if (displaced) add('jump-displaced', describe(displaced, 1));
    const changed = diffs.filter((d) => !MISSING.has(d.kind) && d.kind !== 'jump-displaced');
    if (changed.length > 0) add('rules-changed', describe(changed[0]!, changed.length));
  }

  const kd = live.kumaDp;
  if (!kd) add('kuma-dp-down', 'kuma-dp is not running');
  else {
    if (!sameKumaDpCommand(kd.argv, target.kumaDp.argv)) add('kuma-dp-args', 'kuma-dp runs with another command line');
    else {
      const env = envDiff(kd.env, target.kumaDp.env);
      if (env) add('kuma-dp-args', `kuma-dp: ${env}`);
    }
    if (!kd.ready) add('kuma-dp-unready', 'kuma-dp runs but GET /ready does not answer 200');
  }

  for (const file of target.files) {
    const have = live.files[file.path];
    if (!have) add('file-changed', `${file.path} is missing`);
    else if (!sameFileContent(file, have.content)) add('file-changed', `${file.path}: content differs`);
    else if (have.mode !== file.mode || have.uid !== file.uid || have.gid !== file.gid)
      add('file-changed', `${file.path}: owner or mode differs`);
  }

  const user = target.kumaDpUser;
  const uid = live.facts.users[user.name];
  if (uid === undefined) add('user-changed', `user ${user.name} does not exist`);
  else if (uid !== user.uid) add('user-changed', `user ${user.name} has uid ${uid}, not ${user.uid}`);

  const token = live.access.find((a) => a.purpose === 'dataplane token file');
  if (token && token.state !== 'ok')
    add('token-problem', `${token.path}: ${token.state === 'missing' ? 'missing' : `kuma-dp's user cannot read it`}`);
  else if (token?.unsafe)
    add('token-problem', `${token.path}: ${token.unsafe.path} can be changed by a user other than root`);
  const nft = nativeNftReport(target, live);
  if ('shadowing' in nft && nft.shadowing.length > 0) {
    const more = nft.shadowing.length > 1 ? ` and ${nft.shadowing.length - 1} more` : '';
    add('shadowed', `${describeShadowing(nft.shadowing[0]!)}${more}`);
  }
  return out;
}

function describe(d: RuleDifference, count: number): string {
  const what = d.kind.replace(/-/g, ' ');
  const text = d.expected ?? d.actual ?? '';
  return `${d.family} ${d.table} ${d.chain}: ${what}${text ? ` (${text})` : ''}${count > 1 ? ` and ${count - 1} more` : ''}`;
}
