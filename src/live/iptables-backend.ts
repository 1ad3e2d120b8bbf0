import type { BackendMode, Family } from '../model/family.js';
import type { CommandRunner } from '../system/command-runner.js';
import {
  type BackendFunctionality,
  type CandidateProbe,
  type IptablesCommands,
  probeCandidate,
  probeOptionalModules,
} from './iptables-executables.js';
import { IptablesNoneError } from './live-errors.js';

/**
 * Which iptables backend kumactl would use on this host (kumahq/kuma
 * pkg/transparentproxy/config/config_executables.go@v2.14.3), so we read and write the same rules it
 * does. Custom executable paths (kumactl's `iptablesExecutables`) are not supported: auto-detection only.
 */
export interface IptablesBackend {
  backend: BackendMode;
  /** IPv4 always; IPv6 only when the ip6tables set of the same mode passes the minimal checks. */
  commands: Partial<Record<Family, IptablesCommands>> & { ipv4: IptablesCommands };
  /** What the chosen IPv4 set can do (modules, tables, DOCKER_OUTPUT): the rule generator's facts. */
  functionality: BackendFunctionality;
  /** kumactl's warning when both backends hold rules and DOCKER_OUTPUT does not break the tie. */
  warnings: string[];
  /** Why the IPv6 set was not usable, when it was not. */
  ipv6Unusable?: string;
}

export type BackendDecision =
  | { ok: true; chosen: Extract<CandidateProbe, { ok: true }>; warnings: string[] }
  | { ok: false; reasons: { nft: string; legacy: string } };

export const CONFLICTING_MODES_WARNING =
  'conflicting iptables modes detected: both iptables-nft and iptables-legacy have existing rules; using nft';

/** kumactl's decision table; pure so that every row can be tested without a kernel. */
export function chooseBackend(nft: CandidateProbe, legacy: CandidateProbe): BackendDecision {
  if (!nft.ok && !legacy.ok) return { ok: false, reasons: { nft: nft.reason, legacy: legacy.reason } };
  if (!nft.ok) return { ok: true, chosen: legacy as Extract<CandidateProbe, { ok: true }>, warnings: [] };
  if (!legacy.ok) return { ok: true, chosen: nft, warnings: [] };
  const [n, l] = [nft.facts, legacy.facts];
  if (n.existingRules && l.existingRules) {
    if (n.dockerOutputChain === l.dockerOutputChain) {
      return { ok: true, chosen: nft, warnings: [CONFLICTING_MODES_WARNING] };
    }
    return { ok: true, chosen: l.dockerOutputChain ? legacy : nft, warnings: [] };
  }
  if (l.existingRules) return { ok: true, chosen: legacy, warnings: [] };
  return { ok: true, chosen: nft, warnings: [] };
}

/**
 * Probes both IPv4 candidate sets (in the runner's namespace), decides, then checks ip6tables of the chosen mode.
 * Throws IptablesNoneError (`iptables.none`) when neither set works. Never changes rules; see probeCandidate for
 * the empty legacy tables that probing leaves, as kumactl's own detection does.
 */
export async function detectIptablesBackend(runner: CommandRunner): Promise<IptablesBackend> {
  const [nft, legacy] = await Promise.all([
    probeCandidate(runner, 'ipv4', 'nft'),
    probeCandidate(runner, 'ipv4', 'legacy'),
  ]);
  const decision = chooseBackend(nft, legacy);
  if (!decision.ok) throw new IptablesNoneError(decision.reasons, runner.netns);
  const { chosen, warnings } = decision;
  // IPv6 always follows the IPv4 mode; only the minimal checks decide whether it is usable.
  const [v6, modules] = await Promise.all([
    probeCandidate(runner, 'ipv6', chosen.mode, false),
    probeOptionalModules(runner, chosen.commands.iptables),
  ]);
  return {
    backend: chosen.mode,
    commands: v6.ok ? { ipv4: chosen.commands, ipv6: v6.commands } : { ipv4: chosen.commands },
    functionality: { modules, ...chosen.facts },
    warnings,
    ...(v6.ok ? {} : { ipv6Unusable: v6.reason }),
  };
}

export type { BackendFunctionality, IptablesCommands } from './iptables-executables.js';
