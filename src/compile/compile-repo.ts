import type { LoadedRepo } from '../desired/load-repo.js';
import { KumaGitopsError } from '../errors.js';
import { error, type Issue } from '../issues.js';
import type { HostResult } from '../render/rendered-host.js';
import { tproxyLoader } from '../render/tproxy-layers.js';
import { closest } from '../suggest.js';
import type { HostPolicy } from '../validate/host-policy.js';
import { compileHost } from './compile-host.js';

/** Render every host of a loaded revision (or only `only`), with repo-wide problems such as duplicate host names. */
export function compileRepo(repo: LoadedRepo, only?: string, policy?: HostPolicy): HostResult[] {
  const entries = only === undefined ? repo.hosts : repo.hosts.filter((h) => h.name === only);
  if (only !== undefined && entries.length === 0) {
    const names = repo.hosts.map((h) => h.name);
    const guess = closest(only, names);
    throw new KumaGitopsError(
      'host.unknown',
      `Host '${only}' is not in ${repo.label} (no hosts/${only}.yaml)${guess ? `; did you mean '${guess}'?` : ''}`,
      { host: only, known: names.slice(0, 20) },
    );
  }
  const results = compileHosts(repo, entries, policy);
  markDuplicates(results, repo.hosts);
  return results;
}

/** Render the given hosts; duplicates are not checked (a worker sees only its share of the hosts). */
export function compileHosts(repo: LoadedRepo, entries: LoadedRepo['hosts'], policy?: HostPolicy): HostResult[] {
  const loadTproxy = tproxyLoader(repo.files);
  return entries.map((entry) => compileHost(repo, entry, loadTproxy, policy));
}

/** Two files defining one host name is an error on each of them. */
export function markDuplicates(
  results: readonly { name: string; file: string; issues: Issue[] }[],
  all: readonly { name: string; file: string }[] = results,
): void {
  const byName = new Map<string, string[]>();
  for (const h of all) byName.set(h.name, [...(byName.get(h.name) ?? []), h.file]);
  for (const result of results) {
    const others = (byName.get(result.name) ?? []).filter((f) => f !== result.file);
    if (others.length === 0) continue;
    result.issues.unshift(
      error({
        code: 'host.duplicate',
        file: result.file,
        message: `host '${result.name}' is also defined in ${others.join(', ')}`,
        hint: 'each host must have exactly one file; rename or remove one (a name: field overrides the file name)',
      }),
    );
  }
}
