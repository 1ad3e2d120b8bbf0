import { parseSave } from '../iptables/parse-save.js';
import type { Family } from '../model/family.js';
import type { LiveRules } from '../model/live-state.js';
import type { SavedRuleSet } from '../model/ruleset.js';
import type { CommandRunner } from '../system/command-runner.js';
import type { IptablesBackend } from './iptables-backend.js';

/**
 * The whole ruleset of each family, foreign rules included, read with the `*-save` of the backend kumactl would
 * use (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3: rules written through nft are invisible
 * to legacy save, and the other way round).
 */
export async function readRules(runner: CommandRunner, backend: IptablesBackend): Promise<LiveRules> {
  const [ipv4, ipv6] = await Promise.all([
    saveFamily(runner, backend.commands.ipv4.save, 'ipv4'),
    backend.commands.ipv6 === undefined ? undefined : saveFamily(runner, backend.commands.ipv6.save, 'ipv6'),
  ]);
  const families: LiveRules['families'] = { ipv4 };
  if (ipv6 !== undefined) families.ipv6 = ipv6;
  return { backend: backend.backend, families };
}

/**
 * IPv4 must be readable (the backend was just checked); an ip6tables-save that fails means the kernel has no IPv6
 * tables, so the family is absent rather than an error.
 */
async function saveFamily(runner: CommandRunner, save: string, family: Family): Promise<SavedRuleSet | undefined> {
  if (family === 'ipv4') return parseSave((await runner.run([save])).stdout);
  const result = await runner.run([save], { allowFailure: true }).catch(() => undefined);
  if (result === undefined || result.exitCode !== 0) return undefined;
  return parseSave(result.stdout);
}
