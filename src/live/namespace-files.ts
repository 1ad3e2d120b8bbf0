import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../system/command-runner.js';

/**
 * Small files as a process inside the runner's network namespace sees them: /proc/sys/net is per namespace, and
 * `ip netns exec NS` bind-mounts /etc/netns/NS/<file> over /etc/<file>. Without a namespace (a real host) the
 * files are read directly; with one, a single `grep -aH ''` reads them all, so a read costs one process, not one
 * per file. A missing or unreadable file maps to undefined.
 */
export async function readNamespaceFiles(
  runner: CommandRunner,
  paths: readonly string[],
): Promise<Map<string, string | undefined>> {
  if (runner.netns === undefined) {
    const contents = await Promise.all(paths.map((p) => readFile(p, 'utf8').catch(() => undefined)));
    return new Map(paths.map((p, i) => [p, contents[i]]));
  }
  // grep exits 2 when one file is missing and still prints the others: the output is what counts.
  const result = await runner
    .run(['grep', '-aH', '', '--', ...paths], { allowFailure: true, timeoutMs: 10_000 })
    .catch(() => undefined);
  return parseGrepFiles(result?.stdout ?? '', paths);
}

/** `grep -aH '' FILE...` prints every line as `FILE:line`; a file that printed nothing (empty or missing) is undefined. */
export function parseGrepFiles(stdout: string, paths: readonly string[]): Map<string, string | undefined> {
  const lines = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const path = paths.find((p) => line.startsWith(`${p}:`));
    if (path === undefined) continue;
    const list = lines.get(path) ?? [];
    list.push(line.slice(path.length + 1));
    lines.set(path, list);
  }
  return new Map(paths.map((p) => [p, lines.has(p) ? `${lines.get(p)!.join('\n')}\n` : undefined]));
}
