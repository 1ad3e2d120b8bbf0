/**
 * Where the built CLI and the sample repo are, and the CLI's command line for a world: the flags
 * that point it at the world's repo, namespace and state dir are filled in unless given.
 */
import { fileURLToPath } from 'node:url';

const path = (relative: string) => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export const ROOT = path('');
export const CLI = path('dist/bin/kuma-gitops.js');
export const SAMPLE_REPO = path('desired-state');
export const HOST_NAME = 'example-server';

/**
 * `node dist/bin/kuma-gitops.js <command> <flags> <args>`: `flags` (e.g. `--repo`: dir) are added unless `args`
 * has them already; an undefined value is left out. `cli`: a copy of the CLI (sandbox-tools.ts) for other users.
 */
export function cliArgv(
  command: string,
  args: readonly string[],
  flags: Record<string, string | undefined>,
  cli: string = CLI,
): string[] {
  const has = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
  const added = Object.entries(flags).flatMap(([flag, value]) =>
    value === undefined || has(flag) ? [] : [flag, value],
  );
  return [process.execPath, cli, command, ...added, ...args];
}
