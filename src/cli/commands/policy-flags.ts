import { UsageError } from '../../errors.js';
import { DEFAULT_HOST_POLICY, type HostPolicy, plainAbsolutePath } from '../../validate/host-policy.js';
import type { FlagSpec, ParsedArgs } from '../args.js';

/**
 * The host-side policy (validate/host-policy.ts) as flags: the host decides, the repository cannot. `validate`,
 * `render` and `diff` take the same flags, so a review checks what the hosts will enforce.
 */
export const POLICY_FLAGS: Record<string, FlagSpec> = {
  'allow-write-root': {
    kind: 'repeatable',
    value: 'DIR',
    help: 'a folder under which the repository may have files written (repeatable; default /kuma/)',
  },
  'allow-kuma-dp-user': {
    kind: 'repeatable',
    value: 'NAME:UID',
    help: 'a user kuma-dp may run as (repeatable; default kuma-dp:5678); never root',
  },
};

export function policyFromArgs(args: ParsedArgs, command: string): HostPolicy {
  const roots = args.lists['allow-write-root'] ?? [];
  const users = args.lists['allow-kuma-dp-user'] ?? [];
  for (const root of roots) {
    if (!plainAbsolutePath(root.replace(/\/$/, '')) || root === '/') {
      throw new UsageError(
        `kuma-gitops ${command}: --allow-write-root '${root}' must be a plain absolute folder other than /, e.g. /kuma/`,
      );
    }
  }
  const kumaDpUsers = users.map((text) => {
    const m = /^([a-z_][a-z0-9_-]{0,31}):(\d{1,5})$/.exec(text);
    if (!m || Number(m[2]) === 0 || Number(m[2]) > 65535 || m[1] === 'root') {
      throw new UsageError(
        `kuma-gitops ${command}: --allow-kuma-dp-user '${text}' must be NAME:UID with a uid from 1 to 65535, never root, e.g. kuma-dp:5678`,
      );
    }
    return { name: m[1]!, uid: Number(m[2]) };
  });
  return {
    writeRoots: roots.length > 0 ? roots : DEFAULT_HOST_POLICY.writeRoots,
    kumaDpUsers: kumaDpUsers.length > 0 ? kumaDpUsers : DEFAULT_HOST_POLICY.kumaDpUsers,
  };
}
