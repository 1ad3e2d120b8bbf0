import { loadRepo } from '../desired/load-repo.js';
import type { RepoReader } from '../desired/repo-reader.js';
import { ValidationError } from '../errors.js';
import type { HostResult, RenderedHost } from '../render/rendered-host.js';
import type { HostPolicy } from '../validate/host-policy.js';
import { compileRepo } from './compile-repo.js';

/** One host of one revision, compiled with every check; the result names the files it depends on. */
export async function compileHostAt(reader: RepoReader, host: string, policy: HostPolicy): Promise<HostResult> {
  const repo = await loadRepo(reader);
  // compileRepo throws host.unknown for a host the repository does not have: one result is certain.
  return (compileRepo(repo, host, policy) as [HostResult])[0];
}

/** The rendered host, or a ValidationError listing every error: a host whose desired state has one is not touched. */
export function renderedOrThrow(result: HostResult, where: string): RenderedHost {
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 || result.rendered === undefined) {
    throw new ValidationError(
      `the desired state of host ${result.name} in ${where} is invalid (${errors.length} error(s)); nothing was changed`,
      errors,
    );
  }
  return result.rendered;
}
