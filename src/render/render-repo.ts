import type { LoadedRepo } from '../desired/load-repo.js';
import { closest } from '../desired/suggest.js';
import { KumaGitopsError } from '../errors.js';
import { error } from '../issues.js';
import { renderHost } from './render-host.js';
import type { HostResult } from './rendered-host.js';
import { tproxyLoader } from './tproxy-layers.js';

/** Render every host of a loaded revision (or only `only`), with repo-wide problems such as duplicate host names. */
export function renderRepo(repo: LoadedRepo, only?: string): HostResult[] {
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
  const byName = new Map<string, string[]>();
  for (const h of repo.hosts) byName.set(h.name, [...(byName.get(h.name) ?? []), h.file]);
  const loadTproxy = tproxyLoader(repo.files);
  return entries.map((entry) => {
    const result = renderHost(repo, entry, loadTproxy);
    const others = (byName.get(entry.name) ?? []).filter((f) => f !== entry.file);
    if (others.length > 0) {
      result.issues.unshift(
        error({
          code: 'host.duplicate',
          file: entry.file,
          message: `host '${entry.name}' is also defined in ${others.join(', ')}`,
          hint: 'each host must have exactly one file; rename or remove one (a name: field overrides the file name)',
        }),
      );
    }
    return result;
  });
}
