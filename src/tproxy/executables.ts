/**
 * `iptablesExecutables` (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3 and utils.go,
 * config_executables.go): custom paths per executable name, merged key by key.
 */

export const EXECUTABLE_NAMES = [
  'iptables',
  'iptables-save',
  'iptables-restore',
  'ip6tables',
  'ip6tables-save',
  'ip6tables-restore',
] as const;
export type ExecutableName = (typeof EXECUTABLE_NAMES)[number];

export const isExecutableName = (name: string): name is ExecutableName =>
  (EXECUTABLE_NAMES as readonly string[]).includes(name);

/** The reference quotes this message only up to `…`; the name and the list of valid names are ours (inferred). */
export const unsupportedExecutableMessage = (name: string): string =>
  `unsupported executable name '${name}' (supported: ${EXECUTABLE_NAMES.join(', ')})`;

/** Go `filepath.Clean` on Unix. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out.at(-1) !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** The CLI/env form `name:path[,name:path…]`, returning the pairs to merge and kumactl-like messages. */
export function parseExecutablesSetting(text: string): { value: Record<string, string>; messages: string[] } {
  const value: Record<string, string> = {};
  const messages: string[] = [];
  for (const piece of text.split(',')) {
    if (piece.trim() === '') continue;
    const colon = piece.indexOf(':');
    if (colon < 0) {
      // kumactl's text for a missing `:` is not in the reference (inferred).
      messages.push(`invalid executable entry '${piece}': expected <name>:<path>`);
      continue;
    }
    const name = piece.slice(0, colon).trim();
    const path = piece.slice(colon + 1).trim();
    if (!isExecutableName(name)) messages.push(unsupportedExecutableMessage(name));
    else value[name] = cleanPath(path);
  }
  return { value, messages };
}

/**
 * Families whose custom paths are incomplete: kumactl ignores them with a warning and auto-detects. The start
 * and end of the text are kumactl's; the family and missing names in between are ours.
 */
export function incompleteExecutables(executables: Record<string, string>): { family: 4 | 6; message: string }[] {
  const out: { family: 4 | 6; message: string }[] = [];
  for (const [family, prefix] of [
    [4, 'iptables'],
    [6, 'ip6tables'],
  ] as const) {
    const names = [prefix, `${prefix}-save`, `${prefix}-restore`];
    const set = names.filter((n) => (executables[n] ?? '') !== '');
    if (set.length === 0 || set.length === names.length) continue;
    const missing = names.filter((n) => !set.includes(n));
    out.push({
      family,
      message: `provided incomplete executables configuration for IPv${family} (missing ${missing.join(', ')}) will be ignored`,
    });
  }
  return out;
}
