/**
 * Environment a repository may not give kuma-dp. kuma-dp's environment passes through root's own processes on the
 * way (`runuser`, and `ip netns exec` with --netns), so a name that changes how a root process finds programs or
 * loads code would hand the host to whoever can merge to the repository: PATH, every LD_* (the dynamic loader) and
 * the rest of glibc's list of variables it drops for set-user-ID programs (glibc sysdeps/generic/unsecvars.h,
 * UNSECURE_ENVVARS), since runuser is not set-user-ID and so keeps them.
 */
const GLIBC_UNSECURE = new Set([
  'GCONV_PATH',
  'GETCONF_DIR',
  'GLIBC_TUNABLES',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'LOCPATH',
  'MALLOC_ARENA_MAX',
  'MALLOC_ARENA_TEST',
  'MALLOC_CHECK_',
  'MALLOC_MMAP_MAX_',
  'MALLOC_MMAP_THRESHOLD_',
  'MALLOC_PERTURB_',
  'MALLOC_TCACHE_COUNT',
  'MALLOC_TOP_PAD_',
  'MALLOC_TRACE',
  'MALLOC_TRIM_THRESHOLD_',
  'NIS_PATH',
  'NLSPATH',
  'RESOLV_HOST_CONF',
  'RES_OPTIONS',
  'TMPDIR',
  'TZDIR',
]);

/** A POSIX name: what a unit's Environment= and every shell can carry unchanged. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `name` may not be in kuma-dp's environment, or undefined when it may. */
export function unsafeEnvReason(name: string): string | undefined {
  if (!ENV_NAME.test(name))
    return 'is not a valid environment variable name (letters, digits and _, not first a digit)';
  if (name === 'PATH') return 'would choose which programs root runs on the way to kuma-dp (runuser, ip)';
  if (name.startsWith('LD_')) return "would load code into root's own processes on the way to kuma-dp (runuser, ip)";
  if (GLIBC_UNSECURE.has(name)) return "changes how root's own processes on the way to kuma-dp behave (glibc)";
  return undefined;
}
