import { diffRuleSets } from '../iptables/drift.js';
import { isKumaChain, isKumaOwned } from '../iptables/model.js';
import { FAMILIES, type Family } from '../model/family.js';
import type { HostTarget, TargetFile } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { Plan, Step } from '../model/plan.js';
import type { SavedRuleSet } from '../model/ruleset.js';
import { sameKumaDpCommand } from '../render/kuma-dp-argv.js';
import { sameTproxyMeaning } from '../tproxy/config-meaning.js';

/**
 * The steps that bring the host from `live` to `target`, in the guide's order, each with its reason; no steps when
 * in sync. Pure. A rules change alone never restarts kuma-dp; a kuma-dp change alone never touches rules.
 */
export function planHost(target: HostTarget, live: LiveState): Plan {
  const steps: Step[] = [];
  const user = target.kumaDpUser;
  if (live.facts.users[user.name] === undefined) {
    steps.push({
      kind: 'create-user',
      user: user.name,
      uid: user.uid,
      reason: `user ${user.name} (uid ${user.uid}) does not exist`,
    });
  }
  const written: string[] = [];
  for (const file of target.files) {
    const have = live.files[file.path];
    const why = !have
      ? 'missing'
      : !sameFileContent(file, have.content)
        ? 'content differs'
        : have.mode !== file.mode || have.uid !== file.uid || have.gid !== file.gid
          ? `owner/mode ${have.uid}:${have.gid} ${octal(have.mode)} instead of ${file.uid}:${file.gid} ${octal(file.mode)}`
          : undefined;
    if (!why) continue;
    steps.push({ kind: 'write-file', file, reason: `${file.path}: ${why}` });
    if ((!have || !sameFileContent(file, have.content)) && readByKumaDp(target, file)) written.push(file.path);
  }

  const kd = live.kumaDp;
  const restartWhy = !kd
    ? 'kuma-dp is not running'
    : !sameKumaDpCommand(kd.argv, target.kumaDp.argv)
      ? 'its command line changed'
      : (envDiff(kd.env, target.kumaDp.env) ??
        (written.length ? `it reads ${written.join(', ')}, which changed` : undefined));
  if (restartWhy) {
    steps.push({
      kind: 'start-kuma-dp',
      restart: kd !== undefined,
      argv: target.kumaDp.argv,
      env: target.kumaDp.env,
      reason: kd?.byHand
        ? `${restartWhy}; it was started outside kuma-gitops (pid ${kd.pid}): it is stopped, then kuma-gitops starts its own`
        : restartWhy,
    });
  }

  const families = FAMILIES.filter((f) => rulesDiffer(target, live, f));
  const notReady = kd !== undefined && !kd.ready && !restartWhy;
  // The guide's rule: kuma-dp answers ready before any redirect is installed.
  if (restartWhy || families.length > 0 || notReady) {
    steps.push({
      kind: 'wait-ready',
      reason: restartWhy
        ? 'kuma-dp was (re)started'
        : notReady
          ? 'kuma-dp is running but not ready'
          : 'rules redirect traffic to kuma-dp',
    });
  }
  if (families.length > 0) {
    steps.push({
      kind: 'apply-rules',
      families,
      reason: families.map((f) => `${f} rules differ from what kumactl would install`).join('; '),
    });
  }
  if (steps.some((s) => s.kind !== 'wait-ready'))
    steps.push({ kind: 'verify', reason: 're-read the host and re-plan: the plan must be empty' });
  return { host: target.host, revision: target.revision, steps };
}

function rulesDiffer(target: HostTarget, live: LiveState, family: Family): boolean {
  const expected = target.rules.expected[family];
  const have = live.rules.families[family];
  if (!expected) return hasOwned(have);
  if (!have) return true;
  return diffRuleSets(expected, have, family).length > 0;
}

const hasOwned = (set: SavedRuleSet | undefined) =>
  set?.tables.some((t) => t.rules.some((r) => isKumaOwned(r)) || t.chains.some((c) => isKumaChain(c.name))) ?? false;

/**
 * kuma-dp reads the template at start; the tproxy config only when it is passed with --transparent-proxy-config
 * (2.11+). Otherwise that file is kumactl's alone, and a change to it must not restart kuma-dp.
 */
const readByKumaDp = (target: HostTarget, file: TargetFile) =>
  file.purpose === 'dataplane-template' || target.kumaDp.argv.includes(`--transparent-proxy-config=${file.path}`);

/** Only the variables we set count, plus any stray KUMA_* one: those silently override kuma-dp flags. */
/** Why kuma-dp's environment is not the desired one, or undefined: what the supervisor adds (PATH, HOME) is not. */
export function envDiff(live: Record<string, string>, want: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(want)) if (live[k] !== v) return `its environment changed (${k})`;
  for (const k of Object.keys(live))
    if (k.startsWith('KUMA_') && !(k in want)) return `its environment has ${k}, which is not in the desired state`;
  return undefined;
}

/** A file's content is in sync: the same text, or for a tproxy config the same config to kumactl and kuma-dp. */
export const sameFileContent = (file: TargetFile, content: string): boolean =>
  content === file.content || (file.purpose === 'tproxy-config' && sameTproxyMeaning(content, file.content));

const octal = (mode: number) => `0${mode.toString(8)}`;
