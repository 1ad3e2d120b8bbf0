import { createHash } from 'node:crypto';
import type { RepoReader } from '../desired/repo-reader.js';
import type { HostResult } from '../render/rendered-host.js';

/**
 * A digest of the files one host's desired state reads at a commit (the compile result's dependencies with their
 * git blob ids): two commits with equal digests give this host the same result, so the second needs no plan, and a
 * quarantined revision stays quarantined until a commit changes one of these files.
 */
export function hostInputs(result: HostResult, reader: RepoReader, salt: string): string {
  const hash = createHash('sha256');
  // The salt: what else decides the result (the host-side policy, kuma-gitops' own version).
  hash.update(`${salt}\n`);
  for (const path of [...new Set(result.deps)].sort()) hash.update(`${path}\0${reader.oidOf?.(path) ?? '-'}\n`);
  return hash.digest('hex').slice(0, 24);
}
