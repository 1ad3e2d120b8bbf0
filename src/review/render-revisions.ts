import type { RepoReader } from '../desired/repo-reader.js';
import { renderFleet } from '../fleet/render-fleet.js';
import type { HostOutcome } from '../render/host-artefacts.js';
import type { HostPolicy } from '../validate/host-policy.js';

/**
 * Render head fully (its validation is reported), then only the base hosts whose inputs changed: a host whose every
 * dependency has the same git object id at both revisions renders identically, so its head outcome stands for base.
 */
export async function renderRevisions(
  base: RepoReader,
  head: RepoReader,
  policy?: HostPolicy,
): Promise<{ base: HostOutcome[]; head: HostOutcome[]; reused: number }> {
  const headFleet = await renderFleet(head, { policy });
  const same = (path: string) => {
    const a = base.oidOf?.(path);
    return a !== undefined && a === head.oidOf?.(path);
  };
  const reusable = new Map(
    headFleet.outcomes.filter((o) => o.deps.length > 0 && o.deps.every(same)).map((o) => [o.file, o] as const),
  );
  const baseFleet = await renderFleet(base, { hostFilter: (path) => !reusable.has(path), policy });
  return { base: [...baseFleet.outcomes, ...reusable.values()], head: headFleet.outcomes, reused: reusable.size };
}
