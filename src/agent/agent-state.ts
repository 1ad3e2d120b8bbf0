import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJson } from '../reconcile/state-files.js';
import { pidExists } from '../system/pid-exists.js';

/**
 * What the agent remembers between runs, in `<stateDir>/agent/state.json` (written by temp file and rename):
 * the last revision that worked on this host, the revisions that must not be tried again and why, the rewinds an
 * operator accepted, and how the last sync went. A reboot converges from `lastGood` without the network.
 */
export interface AppliedRevision {
  commit: string;
  /** Digest of the files this host's desired state reads at that commit (agent/host-inputs.ts). */
  inputs: string;
  at: string;
  /** kuma-dp's readiness port at that revision, for `status`. */
  readinessPort?: number;
}

export interface QuarantinedRevision extends AppliedRevision {
  reason: string;
}

/** A revision the agent will not apply as it is: a rewind, an invalid desired state, a missing signature. */
export interface RefusedRevision {
  commit: string;
  at: string;
  code: string;
  reason: string;
}

export interface AgentState {
  lastGood?: AppliedRevision;
  quarantined: QuarantinedRevision[];
  refused?: RefusedRevision;
  lastSync?: { at: string; ok: boolean; remote?: string; result: string; error?: string; code?: string };
  /** How the running agent watches for drift: xtables-monitor events (nft), or polling only (iptables-legacy). */
  watch?: { mode: 'events' | 'polling' | 'off'; checkIntervalMs: number; since: string };
  /** Why the newest revision is not applied yet: its wave's time has not come, the host is paused, or it is held. */
  rollout?: { commit: string; at: string; kind: 'waiting' | 'paused' | 'gated'; reason: string; due?: string };
  /** This host's rollout wave in the last revision compiled for it (metrics, status). */
  wave?: number;
  /** When this agent first saw each recent remote head (kept for the rollout waves). */
  seen: { commit: string; at: string }[];
}

export const EMPTY_STATE: AgentState = { quarantined: [], seen: [] };

/** A rewind an operator accepted (`kuma-gitops agent accept`): kept apart, so a running agent never overwrites it. */
export interface AcceptedRevision {
  commit: string;
  at: string;
  by: string;
}

const MAX_KEPT = 50;

export const agentDir = (stateDir: string) => join(stateDir, 'agent');
const statePath = (stateDir: string) => join(agentDir(stateDir), 'state.json');
const acceptedPath = (stateDir: string) => join(agentDir(stateDir), 'accepted.json');

export function readAccepted(stateDir: string): AcceptedRevision[] {
  return readJson<AcceptedRevision[]>(acceptedPath(stateDir)) ?? [];
}

export function recordAccepted(stateDir: string, entry: AcceptedRevision): void {
  mkdirSync(agentDir(stateDir), { recursive: true, mode: 0o700 });
  writeJson(acceptedPath(stateDir), [...readAccepted(stateDir), entry].slice(-MAX_KEPT));
}

export function readAgentState(stateDir: string): AgentState {
  return { ...EMPTY_STATE, ...readJson<AgentState>(statePath(stateDir)) };
}

export function writeAgentState(stateDir: string, state: AgentState): void {
  mkdirSync(agentDir(stateDir), { recursive: true, mode: 0o700 });
  // Old entries go: a quarantine is keyed by inputs, and 50 distinct broken inputs are plenty of memory.
  writeJson(statePath(stateDir), {
    ...state,
    quarantined: state.quarantined.slice(-MAX_KEPT),
    seen: state.seen.slice(-MAX_KEPT),
  });
}

/** The pid of the agent holding the state directory's lock, or undefined when none runs. */
export function runningAgentPid(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(agentDir(stateDir), 'lock'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pidExists(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
