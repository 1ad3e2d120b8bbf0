/**
 * Throw-away network namespaces for proving payloads: `kgprove-<pid>-<rand>`, deleted when the proof ends. A
 * namespace whose pid is gone was left by a killed run and is deleted on the next proof; those of live processes
 * (a concurrent reconcile, tests) are left alone.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../model/log.js';
import type { CommandRunner } from '../system/command-runner.js';
import { pidExists } from '../system/pid-exists.js';
import { RulesError } from './errors.js';

export const PROVE_NETNS_PREFIX = 'kgprove-';
const NAME = /^kgprove-(\d+)-[0-9a-f]+$/;

export async function withProveNamespace<T>(
  runner: CommandRunner,
  use: (netns: string) => Promise<T>,
  logger?: Logger,
): Promise<T> {
  await removeStaleProveNamespaces(runner, logger);
  const name = `${PROVE_NETNS_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const added = await runner.run(['ip', 'netns', 'add', name], { allowFailure: true, inNetns: false });
  if (added.exitCode !== 0) {
    throw new RulesError(
      'rules.prove-unavailable',
      `cannot create the network namespace ${name} to try the rules in before applying them: ` +
        `${added.stderr.trim() || `ip exited with ${added.exitCode}`}; nothing was changed; this needs root and iproute2`,
      { netns: name, stderr: added.stderr },
    );
  }
  try {
    return await use(name);
  } finally {
    const removed = await runner.run(['ip', 'netns', 'del', name], { allowFailure: true, inNetns: false });
    if (removed.exitCode !== 0) {
      logger?.warn({ netns: name, stderr: removed.stderr }, `could not delete network namespace ${name}`);
    }
  }
}

/** Deletes `kgprove-<pid>-*` namespaces whose process no longer exists; returns their names. */
export async function removeStaleProveNamespaces(runner: CommandRunner, logger?: Logger): Promise<string[]> {
  const listed = await runner.run(['ip', 'netns', 'list'], { allowFailure: true, inNetns: false });
  if (listed.exitCode !== 0) return [];
  const removed: string[] = [];
  for (const line of listed.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = Number(NAME.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || pidExists(pid)) continue;
    const result = await runner.run(['ip', 'netns', 'del', name], { allowFailure: true, inNetns: false });
    if (result.exitCode === 0) removed.push(name);
  }
  if (removed.length > 0) logger?.info({ removed }, 'removed network namespaces left by killed runs');
  return removed;
}
