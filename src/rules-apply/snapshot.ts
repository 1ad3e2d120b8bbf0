/**
 * The state of one family before we change it: the full `*-save` text (foreign rules included, for the journal
 * and for people) and the Kuma-owned part of it, which is what rollback and crash recovery put back.
 */

import { parseSave } from '../iptables/parse-save.js';
import type { Family } from '../model/family.js';
import type { SavedRuleSet } from '../model/ruleset.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { RulesBackend } from './backend.js';
import { RulesError } from './errors.js';
import { extractOwned, type OwnedRuleSet, type OwnedStateOptions } from './owned-state.js';
import { readSave } from './restore-command.js';

export interface FamilySnapshot {
  family: Family;
  /** `*-save` output exactly as printed. */
  save: string;
  owned: OwnedRuleSet;
}

export type RulesSnapshot = Partial<Record<Family, FamilySnapshot>>;

export async function takeSnapshot(
  runner: CommandRunner,
  backend: RulesBackend,
  family: Family,
  options: OwnedStateOptions = {},
): Promise<{ snapshot: FamilySnapshot; live: SavedRuleSet }> {
  const save = await readSave(runner, backend, family);
  const live = parseLive(family, save);
  return { snapshot: { family, save, owned: extractOwned(live, options) }, live };
}

/** A snapshot from journaled `*-save` text, for crash recovery. */
export function snapshotFromSave(family: Family, save: string, options: OwnedStateOptions = {}): FamilySnapshot {
  return { family, save, owned: extractOwned(parseLive(family, save), options) };
}

function parseLive(family: Family, save: string): SavedRuleSet {
  try {
    return parseSave(save);
  } catch (error) {
    throw new RulesError(
      'rules.read-failed',
      `${family} rules: cannot read the iptables-save output: ${(error as Error).message}; nothing was changed`,
      { family },
      error,
    );
  }
}
