import { KumaGitopsError } from '../errors.js';
import type { Family } from '../model/family.js';

/**
 * Failures of installing, updating or removing Kuma's rules. The code says what happened to the host, so a caller
 * can decide on rollback or fail-open without reading the message:
 * - `rules.payload-rejected`, `rules.prove-unavailable`, `rules.read-failed`, `rules.tool-missing`,
 *   `rules.changed-since-read`, `rules.lock-timeout`, `rules.apply-failed`, `rules.foreign-reference`: the host's
 *   rules are as they were before the call;
 * - `rules.rollback-failed`: a family is left changed (data.changed), and the caller must act;
 * - `rules.remove-failed`: fail-open removal left the families in data.failed as they were.
 */
export type RulesErrorCode =
  | 'rules.payload-rejected'
  | 'rules.prove-unavailable'
  | 'rules.read-failed'
  | 'rules.tool-missing'
  | 'rules.changed-since-read'
  | 'rules.lock-timeout'
  | 'rules.apply-failed'
  | 'rules.rollback-failed'
  | 'rules.remove-failed'
  | 'rules.invalid-target'
  | 'rules.foreign-reference';

export class RulesError extends KumaGitopsError {
  declare readonly code: RulesErrorCode;
  constructor(code: RulesErrorCode, message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(code, message, data, cause === undefined ? undefined : { cause });
    this.name = 'RulesError';
  }
}

/** Where a restore payload went wrong, as far as iptables told us. */
export interface PayloadFault {
  family: Family;
  /** The line of iptables' stderr that says what failed. */
  iptablesError: string;
  /** 1-based line of the payload iptables named, and its text (undefined when iptables named none). */
  line: number | undefined;
  payloadLine: string | undefined;
}

export function payloadRejected(fault: PayloadFault, where: string): RulesError {
  const at = fault.line === undefined ? '' : ` at payload line ${fault.line} (${fault.payloadLine ?? '?'})`;
  return new RulesError(
    'rules.payload-rejected',
    `${fault.family} rules: the update was rejected ${where}${at}: ${fault.iptablesError}; ` +
      'nothing on the host was changed; this is a bug in kuma-gitops or an unusual host, please report it with the payload',
    { ...fault },
  );
}

export function lockTimeout(family: Family, attempts: number, stderr: string): RulesError {
  return new RulesError(
    'rules.lock-timeout',
    `${family} rules: xtables lock held too long by another program (${attempts} attempts); nothing was changed; ` +
      'find what holds /run/xtables.lock (e.g. a firewall reload) and retry',
    { family, attempts, stderr },
  );
}
