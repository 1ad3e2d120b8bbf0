/**
 * Proves a payload before it touches the host: in a throw-away namespace, load the Kuma-owned `from` state (with
 * placeholders for foreign rules), apply the payload with the same restore binary and flags, read it back with
 * `*-save` and require it to equal `to` as the drift check sees it. `iptables-restore --test` is not enough: on nft
 * it only parses, so a jump to a missing chain passes it and fails for real (toolchain notes).
 */
import { diffRuleSets } from '../iptables/drift.js';
import { parseSave } from '../iptables/parse-save.js';
import type { Family } from '../model/family.js';
import type { ExpectedRuleSet, SavedRuleSet } from '../model/ruleset.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { RulesBackend } from './backend.js';
import { payloadRejected } from './errors.js';
import type { OwnedRuleSet } from './owned-state.js';
import { withProveNamespace } from './prove-netns.js';
import { buildProveSeed, placeholderCounts } from './prove-seed.js';
import { type Place, type RestoreOptions, RestoreRefused, readSave, runRestore } from './restore-command.js';

export interface ProveInput {
  family: Family;
  /** The live ruleset `from` was read from; foreign chains our rules jump to are taken from it. */
  live: SavedRuleSet;
  from: OwnedRuleSet;
  to: ExpectedRuleSet;
  payload: string;
}

export interface ProveOptions extends RestoreOptions {
  namePrefix?: string;
}

export async function provePayload(
  runner: CommandRunner,
  backend: RulesBackend,
  input: ProveInput,
  options: ProveOptions = {},
): Promise<void> {
  if (input.payload === '') return;
  const { family, payload } = input;
  const where = `in a throw-away network namespace by ${backend.tools[family].restore}`;
  await withProveNamespace(
    runner,
    async (netns) => {
      const place: Place = { netns };
      const seed = buildProveSeed(input.from, input.to, input.live, options.namePrefix);
      if (seed !== '') await restoreOrReject(runner, backend, family, seed, options, place, `${where} (current rules)`);
      const before = placeholderCounts(parseSave(await readSave(runner, backend, family, place)));
      await restoreOrReject(runner, backend, family, payload, options, place, where);
      const result = parseSave(await readSave(runner, backend, family, place));
      const differences = diffRuleSets(input.to, result, family, { namePrefix: options.namePrefix });
      const first = differences[0];
      if (first !== undefined) {
        throw payloadRejected(
          {
            family,
            iptablesError:
              `iptables accepted it, but the result differs from the target (${differences.length} differences, ` +
              `first: ${first.kind} in ${first.table} ${first.chain}: ${first.expected ?? first.actual ?? ''})`,
            line: undefined,
            payloadLine: undefined,
          },
          where,
        );
      }
      const after = placeholderCounts(result);
      if (canonical(after) !== canonical(before)) {
        throw payloadRejected(
          {
            family,
            iptablesError: `foreign rules would move or go (placeholders per chain before ${canonical(before)}, after ${canonical(after)})`,
            line: undefined,
            payloadLine: undefined,
          },
          where,
        );
      }
    },
    options.logger,
  );
}

const canonical = (counts: Record<string, number>) => JSON.stringify(Object.entries(counts).sort());

async function restoreOrReject(
  runner: CommandRunner,
  backend: RulesBackend,
  family: Family,
  payload: string,
  options: RestoreOptions,
  place: Place,
  where: string,
): Promise<void> {
  try {
    await runRestore(runner, backend, family, payload, options, place);
  } catch (error) {
    if (error instanceof RestoreRefused) throw payloadRejected(error.fault, where);
    throw error;
  }
}
