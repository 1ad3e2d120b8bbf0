/**
 * The classes of drift, each a stable name used in logs, alerts, metrics and the desired state's `drift:` setting,
 * and what the agent does about each by default: heal it, except a token problem, which it can only report.
 */
export const DRIFT_CLASSES = [
  'rules-missing',
  'rules-changed',
  'jump-displaced',
  'kuma-dp-down',
  'kuma-dp-unready',
  'kuma-dp-args',
  'file-changed',
  'user-changed',
  'token-problem',
] as const;
export type DriftClass = (typeof DRIFT_CLASSES)[number];

export type DriftAction = 'heal' | 'alert';

export const DRIFT_DEFAULTS: Readonly<Record<DriftClass, DriftAction>> = Object.fromEntries(
  DRIFT_CLASSES.map((c) => [c, c === 'token-problem' ? 'alert' : 'heal']),
) as Record<DriftClass, DriftAction>;
