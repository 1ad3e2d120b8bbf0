/**
 * The only code that changes the host's iptables rules. Both families are one transaction as the user sees it:
 * snapshot both, prove both payloads in throw-away namespaces, apply IPv4 then IPv6 with `--noflush`, and if a
 * family fails, put back every family already touched (kumactl leaves IPv4 installed, kumahq/kuma
 * pkg/transparentproxy/iptables/setup.go@v2.14.3, IPv4 stays installed when IPv6 fails).
 * Only Kuma-owned objects are ever named, so foreign rules keep their order and their counters (legacy iptables
 * still zeroes the built-in chains' policy counters of every table it commits; any iptables-legacy change does).
 */

import type { Family } from '../model/family.js';
import { FAMILIES } from '../model/family.js';
import type { ExpectedRuleSet } from '../model/ruleset.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { RulesBackend } from './backend.js';
import { RulesError } from './errors.js';
import { extractOwned, type OwnedRuleSet, ownedAsExpected, sameOwnedRules } from './owned-state.js';
import { type ProveOptions, provePayload } from './prove-payload.js';
import { failedAndPutBack, putBack } from './put-back-rules.js';
import { runRestore } from './restore-command.js';
import { type FamilySnapshot, type RulesSnapshot, takeSnapshot } from './snapshot.js';
import { buildTransition, EMPTY_TARGET } from './transition-payload.js';

export interface FamilyChange {
  /**
   * The owned state the caller planned from (`extractOwned(live, {namePrefix, recognize})` with this call's
   * options); if the host's differs by now, nothing is done.
   */
  from?: OwnedRuleSet;
  /** What Kuma should own afterwards; undefined removes everything of ours in that family. */
  to: ExpectedRuleSet | undefined;
}

export type RulesChange = Partial<Record<Family, FamilyChange>>;

export interface ApplyRulesOptions extends ProveOptions {
  /** Try each payload in a throw-away namespace first (default true). */
  prove?: boolean;
  /** More rule sets whose comment-less rules count as ours (e.g. an earlier target with comments disabled). */
  recognize?: readonly ExpectedRuleSet[];
}

export interface ApplyRulesResult {
  /** Taken before anything changed, for the journal and for `restoreOwned`. */
  snapshot: RulesSnapshot;
  /** The restore payload per family; '' when the family was already as wanted. */
  payloads: Partial<Record<Family, string>>;
  /** Families whose rules were changed. */
  applied: Family[];
}

interface Planned {
  family: Family;
  snapshot: FamilySnapshot;
  payload: string;
}

export async function applyRules(
  runner: CommandRunner,
  backend: RulesBackend,
  change: RulesChange,
  options: ApplyRulesOptions = {},
): Promise<ApplyRulesResult> {
  const planned: Planned[] = [];
  const proofs: Array<() => Promise<void>> = [];
  for (const family of FAMILIES) {
    const wanted = change[family];
    if (wanted === undefined) continue;
    const to = wanted.to ?? EMPTY_TARGET;
    const recognize = [to, ...(options.recognize ?? [])];
    const { snapshot, live } = await takeSnapshot(runner, backend, family, {
      namePrefix: options.namePrefix,
      recognize,
    });
    if (wanted.from !== undefined) {
      // `from` was extracted without knowing `to`, so compare like with like.
      const current = extractOwned(live, { namePrefix: options.namePrefix, recognize: options.recognize });
      if (!sameOwnedRules(wanted.from, current)) {
        throw new RulesError(
          'rules.changed-since-read',
          `${family} rules: Kuma's rules on the host changed since they were read (another kuma-gitops or kumactl?); ` +
            'nothing was changed; plan again',
          { family },
        );
      }
    }
    const payload = buildTransition(snapshot.owned, to, { namePrefix: options.namePrefix });
    planned.push({ family, snapshot, payload });
    proofs.push(() => provePayload(runner, backend, { family, live, from: snapshot.owned, to, payload }, options));
  }
  const snapshot: RulesSnapshot = Object.fromEntries(planned.map((p) => [p.family, p.snapshot]));
  const payloads = Object.fromEntries(planned.map((p) => [p.family, p.payload]));
  if (options.prove !== false) for (const prove of proofs) await prove();

  const applied: Family[] = [];
  for (const p of planned) {
    if (p.payload === '') continue;
    try {
      await runRestore(runner, backend, p.family, p.payload, options);
    } catch (error) {
      // A payload is one transaction per table, so the failing family may be partly applied too.
      await putBack(runner, backend, [...applied, p.family], snapshot, options, error);
      throw failedAndPutBack(p.family, applied, error);
    }
    applied.push(p.family);
    options.logger?.info({ family: p.family, payload: p.payload }, `${p.family} rules applied`);
  }
  return { snapshot, payloads, applied };
}

/** Puts Kuma-owned state back to a snapshot (rollback, crash recovery), both families as one transaction. */
export function restoreOwned(
  runner: CommandRunner,
  backend: RulesBackend,
  snapshot: RulesSnapshot,
  options: ApplyRulesOptions = {},
): Promise<ApplyRulesResult> {
  const change: RulesChange = {};
  for (const family of FAMILIES) {
    const snap = snapshot[family];
    if (snap !== undefined) change[family] = { to: ownedAsExpected(snap.owned) };
  }
  return applyRules(runner, backend, change, options);
}

/**
 * Fail-open: removes every Kuma-owned object, family by family, each on its own so one failing family does not
 * keep the other's redirect in place. Foreign rules are untouched. Throws `rules.remove-failed` naming what is left.
 */
export async function removeOwned(
  runner: CommandRunner,
  backend: RulesBackend,
  options: ApplyRulesOptions & { families?: readonly Family[] } = {},
): Promise<{ removed: Family[]; snapshot: RulesSnapshot }> {
  const removed: Family[] = [];
  const snapshot: RulesSnapshot = {};
  const failed: Array<{ family: Family; error: unknown }> = [];
  for (const family of options.families ?? FAMILIES) {
    const attempt = (prove: boolean) =>
      applyRules(runner, backend, { [family]: { to: undefined } }, { ...options, prove });
    try {
      const result = await attempt(options.prove !== false).catch((error: unknown) => {
        // Removing is the safe direction: without a place to prove it, still remove.
        if (!(error instanceof RulesError && error.code === 'rules.prove-unavailable')) throw error;
        options.logger?.warn({ family, error: error.message }, `${family} rules: removing without a proof`);
        return attempt(false);
      });
      if (result.applied.includes(family)) removed.push(family);
      Object.assign(snapshot, result.snapshot);
    } catch (error) {
      failed.push({ family, error });
    }
  }
  if (failed.length > 0) {
    const detail = failed.map((f) => `${f.family}: ${(f.error as Error).message}`).join('; ');
    throw new RulesError(
      'rules.remove-failed',
      `could not remove Kuma's rules for ${failed.map((f) => f.family).join(' and ')} (${detail}); the transparent ` +
        'proxy may still redirect traffic there: remove the KUMA_MESH chains and the rules jumping to them by hand',
      { removed, failed: failed.map((f) => f.family), snapshot },
      failed[0]!.error,
    );
  }
  return { removed, snapshot };
}
