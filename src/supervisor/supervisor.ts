import { HOST_NAME_PATTERN } from '../desired/host-name.js';
import { KumaGitopsError } from '../errors.js';
import { unsafeEnvReason } from '../validate/unsafe-env.js';
import type { LogExcerpt } from './log-excerpt.js';

/**
 * How the reconciler runs kuma-dp: one interface, two implementations. `process` starts it detached from the agent
 * (tests, the demo, hosts without systemd); `systemd` hands it to a unit so it survives the agent and reboots.
 */
export type SupervisorKind = 'process' | 'systemd';

export interface SupervisedProcess {
  /** The supervised pid: `runuser` (process; kuma-dp is its child) or kuma-dp itself (systemd MainPID). */
  pid: number;
  /** Started outside kuma-gitops (by hand, the guide's way): found in /proc, stopped before ours starts. */
  byHand?: boolean;
}

export interface StopOptions {
  /** SIGTERM first; SIGKILL what is left after this long. Must exceed kuma-dp's drain time (see drain-time.ts). */
  timeoutMs: number;
}

export interface Supervisor {
  readonly kind: SupervisorKind;
  /** The supervised process when it runs and is the one this supervisor started; undefined otherwise. */
  status(): Promise<SupervisedProcess | undefined>;
  /**
   * Starts `argv` (the full `runuser -u <user> -- <kuma-dp> run ...` command) with `env` on top of a minimal
   * PATH/LANG environment; the agent's own environment is never passed on (stray KUMA_* vars override flags).
   */
  start(argv: readonly string[], env: Readonly<Record<string, string>>): Promise<SupervisedProcess>;
  /** Ends the supervised process and everything it started, for good (not restarted at boot); a no-op when nothing runs. */
  stop(options: StopOptions): Promise<void>;
  /** stop() then start() with the new command; `options` is for the stop (default: the supervisor's own). */
  restart(
    argv: readonly string[],
    env: Readonly<Record<string, string>>,
    options?: StopOptions,
  ): Promise<SupervisedProcess>;
  /** Where kuma-dp's output goes and its last lines, sanitized, for errors (log-excerpt.ts). */
  logExcerpt(): Promise<LogExcerpt>;
}

/** The environment every supervised kuma-dp starts from: enough to find envoy/coredns, nothing from the agent. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C',
};

/** Refuses an environment with a name that would reach root's own processes (unsafe-env.ts): a last line of defence behind validation. */
export function refuseUnsafeEnv(subject: string, env: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(env)) {
    // The supervisor's own base (a rollback restarts kuma-dp with the environment read back from /proc).
    if (Object.hasOwn(BASE_ENV, name) && BASE_ENV[name] === value) continue;
    const reason = unsafeEnvReason(name);
    if (reason !== undefined) {
      throw new KumaGitopsError(
        'supervisor.env-unsafe',
        `${subject}: ${name} in kuma-dp's environment ${reason}: remove it from kumaDp.env`,
        {
          name,
        },
      );
    }
  }
}

/** Host names become paths and unit names: refuse anything that could escape the state directory. */
export const SAFE_HOST = HOST_NAME_PATTERN;
