import { type DesiredHost, locateSetting } from '../desired/desired-host.js';
import { error, type Issue } from '../issues.js';

/**
 * What the repository may make a host do, set on the host and never by the repository (CLI flags now, the agent's
 * config next): whoever can merge to the desired state configures Kuma, they do not get root. The default is the
 * guide's layout: files under /kuma/, kuma-dp as user kuma-dp with uid 5678 (kuma.io docs, "Integrating
 * Transparent Proxy into Your Service Environment"). `validate` and `diff` check with the same rules, so a review sees
 * it
 * before a host does.
 */
export interface HostPolicy {
  /** Folders (absolute, ending in '/') under which the repository may have kuma-gitops write its files. */
  writeRoots: string[];
  /** The users kuma-dp may run as, each with its uid. Never root, never the service user. */
  kumaDpUsers: { name: string; uid: number }[];
}

export const DEFAULT_HOST_POLICY: HostPolicy = {
  writeRoots: ['/kuma/'],
  kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }],
};

const FILES = ['dataplaneFile', 'tproxyConfigFile'] as const;

/** A path with `.`/`..` segments, `//`, a trailing '/' or a control character means something else than it reads. */
export function plainAbsolutePath(path: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (!path.startsWith('/') || /[\u0000-\u001f\u007f]/.test(path)) return false;
  return (
    path === '/' ||
    path
      .slice(1)
      .split('/')
      .every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

export function checkHostPolicy(host: DesiredHost, policy: HostPolicy): Issue[] {
  const issues: Issue[] = [];
  const at = (...path: string[]) => ({
    ...locateSetting(host, ['kumaDp', ...path]),
    path: ['kumaDp', ...path].join('.'),
  });
  const kd = host.kumaDp;

  for (const key of ['tokenFile', 'caCertFile', 'binary', 'envoyBinary', 'corednsBinary', ...FILES] as const) {
    const value = kd[key];
    if (value === undefined || !value.startsWith('/') || plainAbsolutePath(value)) continue; // relative: kuma-dp lint
    issues.push(
      error({
        code: 'policy.path-not-plain',
        ...at(key),
        message: `'${JSON.stringify(value).slice(1, -1)}' is not a plain absolute path ('.', '..', '//', a trailing '/' or a control character)`,
        hint: 'write the path as it is, from / to the file',
      }),
    );
  }
  const roots = policy.writeRoots.map((r) => (r.endsWith('/') ? r : `${r}/`));
  // The tproxy config file is written only when kept or passed to kuma-dp (compile-host.ts).
  const written = FILES.filter((key) => key !== 'tproxyConfigFile' || kd.writeTproxyConfigFile || kd.passTproxyConfig);
  for (const key of written) {
    const path = kd[key];
    if (!plainAbsolutePath(path) || roots.some((root) => path.startsWith(root))) continue;
    issues.push(
      error({
        code: 'policy.write-outside-roots',
        ...at(key),
        message: `kuma-gitops would write ${path}, but this host lets the repository write only under ${roots.join(', ')}`,
        hint: 'put the file under an allowed folder; the folders are a host-side setting (--allow-write-root), not the repository’s',
      }),
    );
  }
  const clash = (key: (typeof FILES)[number], what: string) =>
    issues.push(
      error({
        code: 'policy.write-target-clash',
        ...at(key),
        message: `kuma-gitops would write ${kd[key]}, which is also ${what}`,
        hint: 'give every file kuma-gitops writes a path of its own; the token and the CA file are never written',
      }),
    );
  if (written.includes('tproxyConfigFile') && kd.tproxyConfigFile === kd.dataplaneFile) {
    clash('tproxyConfigFile', 'the Dataplane file (kumaDp.dataplaneFile)');
  }
  for (const key of written) {
    if (kd[key] === kd.tokenFile) clash(key, 'the dataplane token file (kumaDp.tokenFile)');
    if (kd[key] === kd.caCertFile) clash(key, 'the control plane CA file (kumaDp.caCertFile)');
  }
  const allowed = policy.kumaDpUsers.some((u) => u.name === kd.user && u.uid === kd.uid);
  if (kd.uid === 0 || kd.user === 'root' || !allowed) {
    const list = policy.kumaDpUsers.map((u) => `${u.name} (uid ${u.uid})`).join(', ') || 'none';
    issues.push(
      error({
        code: 'policy.kuma-dp-user',
        ...at(kd.user !== 'kuma-dp' ? 'user' : 'uid'),
        message:
          kd.uid === 0 || kd.user === 'root'
            ? `kuma-dp may never run as root (kumaDp.user ${kd.user}, uid ${kd.uid}): the repository would choose a program root runs`
            : `kuma-dp would run as ${kd.user} (uid ${kd.uid}), which this host does not allow: it allows ${list}`,
        hint: 'use an allowed user; which users kuma-dp may run as is a host-side setting (--allow-kuma-dp-user), not the repository’s',
      }),
    );
  }
  return issues;
}
