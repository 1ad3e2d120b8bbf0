/**
 * What the acceptance tests read from the CLI: `apply --output json`'s outcome, and `tproxy diff` of a host's live
 * rules against the effective tproxy config apply wrote, for the facts kumactl would find in the namespace.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI } from '../world/cli.js';
import { exec, type Result } from '../world/exec.js';
import type { Family } from '../world/iptables.js';
import { type E2eHost, PEER_ADDRESS } from './e2e-host.js';

/** `apply --output json`: the outcome and its plan. */
export interface Outcome {
  status: string;
  plan: { steps: { kind: string; reason: string }[] };
  recovered?: string;
  error?: string;
}

/** The guide's steps on a fresh host whose kuma-dp user exists (the suite shares one). */
export const FRESH_INSTALL_STEPS = ['write-file', 'write-file', 'start-kuma-dp', 'wait-ready', 'apply-rules', 'verify'];

export const stepKinds = (r: Result): string[] => (JSON.parse(r.stdout) as Outcome).plan.steps.map((s) => s.kind);

/** The host's facts as `tproxy diff` takes them: what kumactl finds in the namespace (IPv6 on: link-local). */
export async function factsFile(h: E2eHost, users: Record<string, number>): Promise<string> {
  const path = join(h.dir, `facts-${randomBytes(4).toString('hex')}.json`);
  await writeFile(
    path,
    JSON.stringify({ loopbackInterface: 'lo', dnsServers: [PEER_ADDRESS], ipv6: true, users: { root: 0, ...users } }),
  );
  return path;
}

/** `tproxy diff` of the namespace's live rules against the effective tproxy config apply wrote. */
export async function tproxyDiff(h: E2eHost, family: Family, facts: string): Promise<Result> {
  const live = join(h.dir, `${family}-${randomBytes(4).toString('hex')}.save`);
  await writeFile(live, await h.save(family));
  return exec([
    process.execPath,
    CLI,
    'tproxy',
    'diff',
    '--live',
    live,
    '--facts',
    facts,
    '--family',
    family,
    '--config',
    h.files.tproxy,
  ]);
}
