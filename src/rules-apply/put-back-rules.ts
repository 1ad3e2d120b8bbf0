/**
 * Putting families back after a failed apply: each family is brought, on its own and best effort, from whatever
 * the host shows now (a family can be partly applied, since each table commits separately) to its snapshot's
 * Kuma-owned state. Only if that fails too is the host left in between, and the error says so loudly.
 */
import { parseSave } from '../iptables/parse-save.js';
import type { Family } from '../model/family.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { ApplyRulesOptions } from './apply-rules.js';
import type { RulesBackend } from './backend.js';
import { RulesError } from './errors.js';
import { extractOwned, ownedAsExpected } from './owned-state.js';
import { readSave, runRestore } from './restore-command.js';
import type { RulesSnapshot } from './snapshot.js';
import { buildTransition } from './transition-payload.js';

/** Best effort, family by family: each is brought back to its snapshot's owned state. */
export async function putBack(
  runner: CommandRunner,
  backend: RulesBackend,
  families: readonly Family[],
  snapshot: RulesSnapshot,
  options: ApplyRulesOptions,
  cause: unknown,
): Promise<void> {
  const changed: Family[] = [];
  for (const family of families) {
    const snap = snapshot[family]!;
    try {
      const to = ownedAsExpected(snap.owned);
      const recognize = [to, ...(options.recognize ?? [])];
      const owned = extractOwned(parseSave(await readSave(runner, backend, family)), { ...options, recognize });
      const payload = buildTransition(owned, to, options);
      if (payload !== '') await runRestore(runner, backend, family, payload, options);
    } catch (error) {
      changed.push(family);
      options.logger?.warn({ family, error: (error as Error).message }, `${family} rules: rollback failed`);
    }
  }
  if (changed.length === 0) return;
  throw new RulesError(
    'rules.rollback-failed',
    `applying the rules failed (${(cause as Error).message}) and putting back ${changed.join(' and ')} failed too: ` +
      `the ${changed.join(' and ')} rules are neither old nor new; run apply again, or remove Kuma's rules (fail open)`,
    { changed, snapshot },
    cause,
  );
}

export function failedAndPutBack(family: Family, applied: readonly Family[], error: unknown): RulesError {
  if (error instanceof RulesError && error.code === 'rules.lock-timeout') return error;
  const restored = applied.length > 0 ? `; ${applied.join(' and ')} rules were put back` : '';
  return new RulesError(
    'rules.apply-failed',
    `${family} rules could not be applied: ${(error as Error).message}${restored}; both families are as before; ` +
      'fix what iptables reports and apply again',
    { family, rolledBack: [...applied] },
    error,
  );
}
