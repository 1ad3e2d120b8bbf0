import { readHostOwnedFile } from '../io/host-owned-file.js';
import type { AgentConfig } from './agent-config.js';
import { AgentConfigError } from './load-agent-config.js';

/**
 * The Authorization header from the credential files, read at each start (a rotated token is picked up by a
 * restart or SIGHUP). A token goes as Basic `x-access-token:TOKEN`, which GitHub, GitLab and Gitea accept for HTTPS
 * git. The value lives only in memory and in request headers: never in logs, errors, status or metrics.
 */
export function authorizationOf(config: AgentConfig, owner?: number): string | undefined {
  const auth = config.source.auth;
  if (auth === undefined) return undefined;
  const read = (path: string, key: string): string => {
    const r = readHostOwnedFile(path, 'secret', owner);
    if ('problem' in r) {
      throw new AgentConfigError(config.file, [
        {
          severity: 'error',
          code: r.problem.code,
          file: config.file,
          path: key,
          message: r.problem.message,
          hint: r.problem.hint,
        },
      ]);
    }
    return r.text.replace(/\r?\n$/, '');
  };
  const [user, password] =
    'tokenFile' in auth
      ? ['x-access-token', read(auth.tokenFile, 'source.auth.tokenFile')]
      : [read(auth.usernameFile, 'source.auth.usernameFile'), read(auth.passwordFile, 'source.auth.passwordFile')];
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
