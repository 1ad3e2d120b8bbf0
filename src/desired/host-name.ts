/**
 * The one rule for host names, checked where a repository is loaded (validate, diff) and where a host's name
 * becomes a path or a unit name (plan, apply): ASCII letters, digits, '_', '.' and '-', first a letter or digit,
 * at most 201 characters. A name `${host}` puts into a path can then never leave its folder (`..`, `/`), start an
 * option (`-rf`), or hide in a terminal or a pull-request comment.
 */
export const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;

export function validHostName(name: string): boolean {
  return HOST_NAME_PATTERN.test(name);
}
