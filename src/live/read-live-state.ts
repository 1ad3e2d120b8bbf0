import type { HostTarget } from '../model/host-target.js';
import type { LiveState } from '../model/live-state.js';
import type { CommandRunner } from '../system/command-runner.js';
import { detectIptablesBackend, type IptablesBackend } from './iptables-backend.js';
import { identityOf, readAccess } from './read-access.js';
import { composeHostFacts, type NetworkFacts, readNetworkFacts } from './read-facts.js';
import { readLiveFiles } from './read-files.js';
import { readNativeNft } from './read-nft.js';
import { readProcess } from './read-process.js';
import { DEFAULT_READY_TIMEOUT_MS, type ReadyResult, readReady } from './read-ready.js';
import { readRules } from './read-rules.js';
import { readUserDb, type UserDb, type UserDbPaths } from './users.js';

/**
 * Everything the planner compares with a HostTarget, read concurrently and without changing the host (apart from
 * the empty legacy tables that iptables detection creates, as kumactl's does: see probeCandidate).
 */
export interface ReadLiveStateOptions {
  /** Where /etc/passwd and /etc/group are (tests). */
  userDbPaths?: UserDbPaths;
  /** One `GET /ready` attempt waits this long (default 1 s). */
  readyTimeoutMs?: number;
  /** Reuse a backend detected earlier in the same reconcile (it does not change between two reads). */
  backend?: IptablesBackend;
  /** Reuse network facts read a moment ago (the first read after preparing the target). */
  network?: NetworkFacts;
  /** Reuse the user database read a moment ago (likewise). */
  users?: UserDb;
  /** Also read native nftables (`nft -j list ruleset`), for drift and plan reports. */
  nativeNft?: boolean;
}

/** Also returned: the detected backend and the user database, which the executor needs for its commands. */
export interface LiveRead {
  state: LiveState;
  backend: IptablesBackend;
  users: UserDb;
  /** Why kuma-dp is not ready, when it runs and is not. */
  readiness: ReadyResult | undefined;
}

/** Throws IptablesNoneError (`iptables.none`) when the host has no usable iptables. */
export async function readLive(
  runner: CommandRunner,
  target: HostTarget,
  kumaDpPid: number | undefined,
  options: ReadLiveStateOptions = {},
): Promise<LiveRead> {
  const backendP = options.backend === undefined ? detectIptablesBackend(runner) : Promise.resolve(options.backend);
  const usersP = options.users ?? readUserDb(options.userDbPaths);
  const readiness = { timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS };
  // Started first: it needs nothing else and is one more process, which then overlaps the others.
  const nftP = options.nativeNft ? readNativeNft(runner) : undefined;
  // Awaited below; marked handled now so that a failure of the reads before it cannot leave it unhandled.
  nftP?.catch(() => undefined);
  const [backend, users, network, proc, ready, files] = await Promise.all([
    backendP,
    usersP,
    options.network ?? readNetworkFacts(runner),
    kumaDpPid === undefined ? undefined : readProcess(kumaDpPid),
    kumaDpPid === undefined ? undefined : readReady(runner, target.kumaDp.readiness, readiness),
    readLiveFiles(target.files.map((f) => f.path)),
  ]);
  const [rules, nft, access] = await Promise.all([
    readRules(runner, backend),
    nftP,
    readAccess(target.access, identityOf(users, target.kumaDpUser)),
  ]);
  const facts = composeHostFacts(network, backend, users);
  const kumaDp = proc === undefined ? undefined : { ...proc, ready: ready?.ready ?? false };
  return {
    state: { facts, rules, ...(nft ? { nft } : {}), kumaDp, files, access },
    backend,
    users,
    readiness: kumaDp ? ready : undefined,
  };
}
