import { parseSave } from '../iptables/parse-save.js';
import type { Family } from '../model/family.js';
import type { LiveRules } from '../model/live-state.js';
import type { SavedRuleSet } from '../model/ruleset.js';
import { type RulesBackend, rulesBackend } from '../rules-apply/backend.js';
import { RulesError } from '../rules-apply/errors.js';
import { readSave } from '../rules-apply/restore-command.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { IptablesBackend } from './iptables-backend.js';

/** The save/restore binaries of the detected backend, in the shape the one `*-save` reader and the restorer take. */
export function rulesBackendOf(backend: IptablesBackend): RulesBackend {
  return rulesBackend(backend.backend, {
    ipv4: backend.commands.ipv4,
    ...(backend.commands.ipv6 ? { ipv6: backend.commands.ipv6 } : {}),
  });
}

/**
 * The whole ruleset of each family, foreign rules included, read with the `*-save` of the backend kumactl would
 * use (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3: rules written through nft are invisible
 * to legacy save, and the other way round).
 */
export async function readRules(runner: CommandRunner, backend: IptablesBackend): Promise<LiveRules> {
  const tools = rulesBackendOf(backend);
  const [ipv4, ipv6] = await Promise.all([
    saveFamily(runner, tools, 'ipv4'),
    backend.commands.ipv6 === undefined ? undefined : saveFamily(runner, tools, 'ipv6'),
  ]);
  const families: LiveRules['families'] = { ipv4 };
  if (ipv6 !== undefined) families.ipv6 = ipv6;
  return { backend: backend.backend, families };
}

/**
 * IPv4 must be readable (the backend was just checked); an ip6tables-save that fails means the kernel has no IPv6
 * tables, so the family is absent rather than an error.
 */
async function saveFamily(
  runner: CommandRunner,
  tools: RulesBackend,
  family: Family,
): Promise<SavedRuleSet | undefined> {
  if (family === 'ipv4') return parseSave(await readSave(runner, tools, family));
  try {
    return parseSave(await readSave(runner, tools, family));
  } catch (error) {
    if (error instanceof RulesError && error.code === 'rules.read-failed') return undefined;
    throw error;
  }
}
