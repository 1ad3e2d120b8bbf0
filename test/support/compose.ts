import { composeHost } from '../../src/desired/compose-host.js';
import type { DesiredHost } from '../../src/desired/desired-host.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';

/** Load a repo directory and compose one host, failing loudly if it does not compose. */
export async function composeFrom(dir: string, name: string): Promise<DesiredHost> {
  const repo = await loadRepo(dirRepoReader(dir));
  const entry = repo.hosts.find((h) => h.name === name);
  if (!entry) throw new Error(`no host ${name} in ${dir}`);
  const { host, issues } = composeHost(repo, entry);
  if (!host) throw new Error(`${name} did not compose: ${JSON.stringify(issues)}`);
  return host;
}
