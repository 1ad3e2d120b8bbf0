import type { Family } from '../model/family.js';
import type { TargetFile } from '../model/host-target.js';
import type { LiveFile, LiveState } from '../model/live-state.js';

/**
 * Everything the executor may do to a host, as one object: the only code that changes the host sits behind it
 * (src/reconcile/real-host-ports.ts composes the command runner, supervisor, readiness probe and rules engine).
 */
export interface HostPorts {
  /** A fresh read of the host for the current target; with `nativeNft`, native nftables tables too. */
  readLive(options?: { nativeNft?: boolean }): Promise<LiveState>;
  createUser(name: string, uid: number): Promise<void>;
  writeFile(file: TargetFile): Promise<void>;
  /** Put a file back as it was; `null` means it did not exist. */
  putBackFile(path: string, previous: LiveFile | null): Promise<void>;
  startKumaDp(argv: string[], env: Record<string, string>, restart: boolean): Promise<void>;
  stopKumaDp(): Promise<void>;
  /** Resolves when `/ready` answers 200; rejects (kuma-dp.not-ready / kuma-dp.exited) otherwise. */
  waitReady(timeoutMs: number): Promise<void>;
  /** Make the Kuma-owned rules of these families equal to the target's (proven first, both families or neither). */
  applyRules(families: Family[], live: LiveState): Promise<void>;
  /** Put the Kuma-owned rules back to what these `*-save` snapshots held; foreign rules are not touched. */
  restoreRules(snapshot: Partial<Record<Family, string>>): Promise<void>;
  /** Remove every Kuma-owned rule and chain (fail open); foreign rules are not touched. */
  removeRules(): Promise<void>;
  /** `*-save` text per family of the live rules, for the journal. */
  snapshotRules(live: LiveState): Partial<Record<Family, string>>;
}
