import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import type { Family } from '../model/family.js';
import type { LiveFile } from '../model/live-state.js';
import { writeFileSafely } from '../system/safe-write.js';

/**
 * The reconciler's own files in the state directory (default /var/lib/kuma-gitops), one folder per host:
 * `lock` (one reconcile at a time), `journal.json` (what an interrupted apply must undo), `status.json`
 * (last applied and last failed revision, so a failed revision is not retried until the desired state changes).
 */
export interface Journal {
  host: string;
  revision: string;
  startedAt: string;
  /** Everything needed to put the host back as it was before this apply started. */
  previous: {
    files: Record<string, LiveFile | null>;
    kumaDp: { argv: string[]; env: Record<string, string> } | null;
    /** Full `*-save` output per family at the start (only its Kuma-owned part is ever restored). */
    rules: Partial<Record<Family, string>>;
    backend: 'nft' | 'legacy';
  };
  /** Mutating steps in order, journaled before each runs. */
  steps: { kind: string; detail: string }[];
}

export interface HostStatus {
  lastApplied?: { revision: string; at: string };
  lastFailed?: { revision: string; at: string; error: string; rolledBack: boolean; failedOpen: boolean };
}

export function hostStateDir(stateDir: string, host: string): string {
  const dir = join(stateDir, host);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Write via a temp file and rename (safe-write.ts), so a crash never leaves half a journal. */
export function writeJson(path: string, value: unknown): void {
  writeFileSafely(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, createParents: false });
}

export function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new KumaGitopsError(
      'state.corrupt',
      `${path} is not valid JSON (${(e as Error).message}): inspect it, then move it away`,
      { path },
    );
  }
}

export const journalPath = (dir: string) => join(dir, 'journal.json');
export const statusPath = (dir: string) => join(dir, 'status.json');
export const removeJournal = (dir: string) => rmSync(journalPath(dir), { force: true });
