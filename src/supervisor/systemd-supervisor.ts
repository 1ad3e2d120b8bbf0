import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KumaGitopsError } from '../errors.js';
import type { CommandRunner } from '../system/command-runner.js';
import { writeFileSafely } from '../system/safe-write.js';
import { stopTimeoutMs } from './drain-time.js';
import { EXCERPT_LINES, lastLines } from './log-excerpt.js';
import { refuseUnsafeEnv, type StopOptions, type SupervisedProcess, type Supervisor } from './supervisor.js';
import { DEFAULT_UNIT_DIR, renderKumaDpUnit, unitName } from './systemd-unit.js';

/**
 * kuma-dp as the systemd unit `kuma-dp-<host>.service`: the agent writes the unit and drives it with systemctl; systemd
 * restarts it, keeps it across reboots and reports its MainPID. systemctl talks to PID 1, so it runs outside any
 * network namespace; with one configured, the unit joins it (NetworkNamespacePath=).
 */
export interface SystemdSupervisorOptions {
  host: string;
  runner: CommandRunner;
  /** Where the unit is written (default /etc/systemd/system). */
  unitDir?: string;
}

// systemctl waits for the job; it must outlive systemd's own stop timeout (TimeoutStopSec) by a margin.
const SYSTEMCTL_MARGIN_MS = 15_000;

export function createSystemdSupervisor(
  options: SystemdSupervisorOptions,
): Supervisor & { readonly unit: string; readonly unitPath: string } {
  const { runner, host } = options;
  const unit = unitName(host);
  const unitPath = join(options.unitDir ?? DEFAULT_UNIT_DIR, unit);
  const systemctl = (args: string[], timeoutMs = 30_000) =>
    runner.run(['systemctl', ...args], { inNetns: false, timeoutMs });

  async function status(): Promise<SupervisedProcess | undefined> {
    const { stdout } = await systemctl(['show', '-p', 'MainPID', '--value', unit]);
    const pid = Number(stdout.trim());
    return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
  }

  async function install(argv: readonly string[], env: Readonly<Record<string, string>>): Promise<void> {
    // systemd gives Environment= to kuma-dp alone, but the rule is the same for both supervisors.
    refuseUnsafeEnv(unit, env);
    const text = renderKumaDpUnit({ host, argv, env, netns: runner.netns });
    writeFileSafely(unitPath, text, { mode: 0o644 });
    await systemctl(['daemon-reload']);
  }

  async function mainPid(action: string): Promise<SupervisedProcess> {
    const running = await status();
    if (running !== undefined) return running;
    throw new KumaGitopsError(
      'supervisor.start-failed',
      `${unit} has no main process after ${action}: see \`systemctl status ${unit}\` and \`journalctl -u ${unit}\``,
      { host, unit },
    );
  }

  return {
    kind: 'systemd',
    unit,
    unitPath,
    status,
    async start(argv, env) {
      await install(argv, env);
      await systemctl(['enable', '--now', unit], stopTimeoutMs(argv, env) + SYSTEMCTL_MARGIN_MS);
      return mainPid('enable --now');
    },
    async restart(argv, env, stopOptions) {
      await install(argv, env);
      const timeoutMs = stopOptions?.timeoutMs ?? stopTimeoutMs(argv, env);
      await systemctl(['restart', unit], timeoutMs + SYSTEMCTL_MARGIN_MS);
      return mainPid('restart');
    },
    // systemd applies the unit's TimeoutStopSec (drain time + margin); timeoutMs bounds our wait for systemctl.
    // Disabled too: a kuma-dp that a rollback or a removal stopped must not come back at the next boot.
    // journald has kuma-dp's output; `-o cat` gives the lines without journald's prefix.
    async logExcerpt() {
      const where = `journalctl -u ${unit}`;
      const argv = ['journalctl', '-u', unit, '-n', String(EXCERPT_LINES), '--no-pager', '-o', 'cat'];
      const result = await runner.run(argv, { inNetns: false, allowFailure: true }).catch(() => undefined);
      return { where, lines: result?.exitCode === 0 ? lastLines(result.stdout) : [] };
    },
    async stop({ timeoutMs }: StopOptions) {
      // No unit file: nothing was ever started here (systemctl would fail with "not loaded").
      if (!(await exists(unitPath))) return;
      await systemctl(['disable', '--now', unit], timeoutMs + SYSTEMCTL_MARGIN_MS);
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
