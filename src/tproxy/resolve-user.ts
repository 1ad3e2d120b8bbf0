import type { TproxyConfig } from './config-types.js';

/** Users on the host as Go's pure os/user sees them: /etc/passwd names to UIDs (kumactl is built with CGO off). */
export type HostUsers = Readonly<Record<string, number>>;

export const DEFAULT_KUMA_DP_UID = '5678';
export const DEFAULT_KUMA_DP_USERNAME = 'kuma-dp';

export type ResolvedUser = { ok: true; uid: string } | { ok: false; message: string };

/** Go `user.LookupId`: the UID text must equal the passwd field (so `05678` finds nothing). */
function lookupId(users: HostUsers, id: string): string | undefined {
  if (!/^-?[0-9]+$/.test(id)) return undefined;
  return Object.values(users).some((uid) => String(uid) === id) ? id : undefined;
}

function lookupName(users: HostUsers, name: string): string | undefined {
  return Object.hasOwn(users, name) ? String(users[name]) : undefined;
}

/**
 * `Config.InitializeKumaDPUser` (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3, InitializeKumaDPUser): the
 * UID kumactl uses in `--uid-owner`. cniMode skips the
 * lookup; a given user is tried as a UID, then as a name; no user means UID 5678, then user `kuma-dp`. Users
 * known only through NSS (LDAP, SSSD) are not found by kumactl, so `users` should come from /etc/passwd.
 */
export function resolveKumaDpUser(
  config: Pick<TproxyConfig, 'kumaDPUser' | 'cniMode'>,
  users: HostUsers,
): ResolvedUser {
  const user = config.kumaDPUser;
  if (config.cniMode) return { ok: true, uid: user === '' ? DEFAULT_KUMA_DP_UID : user };
  if (user !== '') {
    const uid = lookupId(users, user) ?? lookupName(users, user);
    return uid !== undefined
      ? { ok: true, uid }
      : { ok: false, message: `the specified UID or username ('${user}') does not refer to a valid user on the host` };
  }
  const uid = lookupId(users, DEFAULT_KUMA_DP_UID) ?? lookupName(users, DEFAULT_KUMA_DP_USERNAME);
  return uid !== undefined
    ? { ok: true, uid }
    : {
        ok: false,
        message: `no UID or username provided, and user with the default UID ('${DEFAULT_KUMA_DP_UID}') or username ('${DEFAULT_KUMA_DP_USERNAME}') could not be found`,
      };
}
