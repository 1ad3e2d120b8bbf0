import type { PathAccess, Unsafe } from '../model/kuma-dp-access.js';

/**
 * The refusals for what the kuma-dp user cannot reach (read-access.ts), one per path, each naming the path, what
 * blocks it and what to do. Checked before anything changes: kuma-dp would otherwise die at start, after the
 * files were written, and the apply would end in a rollback that does not say why.
 */
export function accessProblems(access: readonly PathAccess[], user: { name: string; uid: number }): string[] {
  const who = `user ${user.name} (uid ${user.uid})`;
  const problems: string[] = [];
  for (const a of access) {
    if (a.state === 'missing') problems.push(missing(a));
    else if (a.state === 'blocked' && a.blocker !== undefined) {
      const b = a.blocker;
      const verb = a.access === 'read' ? 'read' : 'executed';
      const owned = `mode ${octal(b.mode)}, owner uid ${b.uid}, group gid ${b.gid}`;
      const why =
        b.kind === 'folder'
          ? `folder ${b.path} (${owned}) does not let it in: move the file to a folder ${user.name} can enter, ` +
            `or allow it in (e.g. chmod o+x ${b.path})`
          : b.kind === 'not-a-file'
            ? 'it is not a regular file: point the setting at the file itself'
            : `the file is ${owned}: chown or chmod it so that ${user.name} can ${a.access} it`;
      problems.push(`${a.purpose} ${a.path} cannot be ${verb} by ${who}: ${why}`);
    }
    if (a.unsafe !== undefined) problems.push(unsafeProblem(a, a.unsafe));
  }
  return problems;
}

/** Root would run or write something another user can change: the repository's reach must end at kuma-dp. */
function unsafeProblem(a: PathAccess, u: Unsafe): string {
  const owned = `mode ${octal(u.mode)}, owner uid ${u.uid}`;
  if (u.kind === 'link') {
    return `${a.purpose} ${a.path} would be written through the symbolic link ${u.path} (to ${u.target}): point the setting at the real path`;
  }
  if (a.presence === 'written') {
    return (
      `${a.purpose} ${a.path} would be written by root into folder ${u.path} (${owned}), which a user other than ` +
      `root can change: chown root and chmod go-w ${u.path}, or choose another folder`
    );
  }
  const what = u.kind === 'file' ? `the file is ${owned}` : `folder ${u.path} (${owned}) is not root's alone`;
  return (
    `${a.purpose} ${a.path} could be replaced by a user other than root, and kuma-gitops starts it with the dataplane token: ${what}: ` +
    `chown root and chmod go-w ${u.path}, or install it where only root can write`
  );
}

function missing(a: PathAccess): string {
  if (a.purpose === 'dataplane token file') {
    return `dataplane token file ${a.path} does not exist: put the token there (it never goes into the repo)`;
  }
  return `${a.purpose} ${a.path} does not exist: install it there, or point the setting at where it is`;
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');
