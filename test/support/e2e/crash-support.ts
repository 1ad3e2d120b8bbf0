/**
 * Shared checks of the crash-safety tests: an apply killed by KUMA_GITOPS_FAILPOINT (SIGKILL right after a step),
 * and the proof that the next apply ends consistent: exit 0 after recovering, plan empty, the rules `tproxy rules`
 * computes, exactly one kuma-dp (no orphan of the killed run) and it is ready, no journal or lock left.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { processesWith } from '../world/processes.js';
import { factsFile, type Outcome, tproxyDiff } from './e2e-cli.js';
import { type E2eHost, HOST_NAME } from './e2e-host.js';

export const journalPath = (h: E2eHost) => join(h.stateDir, HOST_NAME, 'journal.json');

/** Runs apply with the failpoint and checks it died by SIGKILL, leaving its journal. Returns the journaled steps. */
export async function killedApply(h: E2eHost, failpoint: string): Promise<string[]> {
  const r = await h.apply([], { KUMA_GITOPS_FAILPOINT: failpoint });
  expect(r.signal, `apply exited with ${r.code}: ${r.stderr}`).toBe('SIGKILL');
  expect(existsSync(journalPath(h))).toBe(true);
  const journal = JSON.parse(readFileSync(journalPath(h), 'utf8')) as { steps: { kind: string }[] };
  return journal.steps.map((s) => s.kind);
}

/** The next apply recovers and ends in the desired state. `uid` is the kuma-dp user's. */
export async function expectRecoveredAndConsistent(h: E2eHost, user: Record<string, number>): Promise<void> {
  const r = await h.apply(['--output', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const outcome = JSON.parse(r.stdout) as Outcome;
  expect(outcome.status).toBe('applied');
  expect(outcome.recovered).toMatch(/was interrupted after: .*; the host was put back to its previous state first/);
  expect(existsSync(journalPath(h))).toBe(false);
  expect(existsSync(join(h.stateDir, HOST_NAME, 'lock'))).toBe(false);

  const plan = await h.plan();
  expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  for (const family of ['ipv4', 'ipv6'] as const) {
    const diff = await tproxyDiff(h, family, await factsFile(h, user));
    expect(diff.code, `${family}: ${diff.stdout}${diff.stderr}`).toBe(0);
  }
  // One kuma-dp and one runuser above it: nothing left over from the killed run.
  expect(h.kumaDpProcesses()).toHaveLength(1);
  expect(processesWith(`--dataplane-file=${h.files.dataplane}`)).toHaveLength(2);
  expect(await h.ready()).toMatchObject({ status: 200 });
}
