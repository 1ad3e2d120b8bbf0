import type { IptablesBackend } from '../live/iptables-backend.js';
import { lockTimeout } from '../rules-apply/errors.js';
import { isLockBusy } from '../rules-apply/restore-failure.js';
import type { CommandRunner } from '../system/command-runner.js';

/**
 * Legacy iptables serialises every program through /run/xtables.lock. If another program (a firewall reload,
 * fail2ban) holds it for longer than kumactl's default wait, refuse before anything changes rather than start
 * kuma-dp and then fail at the rules and roll back. nft has no such lock. The lock can still be taken between this
 * check and the rules step; the rules engine then retries and the executor rolls back.
 */
export async function checkXtablesLock(
  runner: CommandRunner,
  backend: IptablesBackend,
  waitSeconds = 5,
): Promise<void> {
  if (backend.backend !== 'legacy') return;
  const result = await runner.run(
    [backend.commands.ipv4.iptables, `--wait=${waitSeconds}`, '-t', 'nat', '-S', 'OUTPUT'],
    {
      allowFailure: true,
      timeoutMs: (waitSeconds + 10) * 1000,
    },
  );
  if (result.exitCode !== 0 && isLockBusy(result.stderr)) throw lockTimeout('ipv4', 1, result.stderr);
}
