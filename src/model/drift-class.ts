/**
 * The classes of drift, each a stable name used in logs, alerts, metrics and the desired state's `drift:` setting,
 * and what the agent does about each by default: heal it, except what it can only report (ALERT_ONLY).
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
  'shadowed',
] as const;
export type DriftClass = (typeof DRIFT_CLASSES)[number];

export type DriftAction = 'heal' | 'alert';

/**
 * Classes the agent can only report: it cannot make a dataplane token, and a native nftables chain that runs before
 * Kuma's (`shadowed`) belongs to another tool (firewalld, kube-proxy, nftables.service), not to us.
 */
export const ALERT_ONLY: ReadonlySet<DriftClass> = new Set(['token-problem', 'shadowed']);

export const DRIFT_DEFAULTS: Readonly<Record<DriftClass, DriftAction>> = Object.fromEntries(
  DRIFT_CLASSES.map((c) => [c, ALERT_ONLY.has(c) ? 'alert' : 'heal']),
) as Record<DriftClass, DriftAction>;
