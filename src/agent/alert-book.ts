import type { Alert, AlertSender } from './alert-sender.js';

/**
 * The agent's firing alerts, by name and identifying labels. A condition that starts fires once and is re-sent every
 * `resendMs` (well inside Alertmanager's resolve_timeout, 5 min by default: an alert without endsAt expires after
 * it); when it clears, the alert is sent once more with `endsAt` now, which resolves it. Labels: `alertname`,
 * `host`, `severity` and the condition's own (`class`, `revision`, `reason`).
 */
export type AlertName =
  | 'KumaGitopsDrift'
  | 'KumaGitopsRollback'
  | 'KumaGitopsRevisionRefused'
  | 'KumaGitopsSyncFailing'
  | 'KumaGitopsFlapping'
  | 'KumaGitopsRevisionHeld';

export interface AlertBook {
  fire(name: AlertName, labels: Record<string, string>, summary: string, detail?: string): void;
  resolve(name: AlertName, labels?: Record<string, string>): void;
  /** Re-send what is firing (called on a timer). */
  resend(): void;
  firing(): Alert[];
  stop(): void;
}

const SEVERITY: Record<AlertName, string> = {
  KumaGitopsDrift: 'warning',
  KumaGitopsRollback: 'critical',
  KumaGitopsRevisionRefused: 'warning',
  KumaGitopsSyncFailing: 'warning',
  KumaGitopsFlapping: 'critical',
  KumaGitopsRevisionHeld: 'warning',
};

export function alertBook(o: {
  host: string;
  sender: AlertSender;
  resendMs: number;
  now?: () => Date;
  generatorURL?: string;
}): AlertBook {
  const now = o.now ?? (() => new Date());
  const active = new Map<string, Alert>();
  const key = (name: string, labels: Record<string, string>) => JSON.stringify([name, Object.entries(labels).sort()]);
  const timer = setInterval(() => book.resend(), o.resendMs);
  timer.unref();
  const book: AlertBook = {
    fire(name, labels, summary, detail) {
      const k = key(name, labels);
      if (active.has(k)) return;
      const alert: Alert = {
        labels: { alertname: name, host: o.host, severity: SEVERITY[name], ...labels },
        annotations: { summary: summary.slice(0, 500), ...(detail ? { description: detail.slice(0, 2000) } : {}) },
        startsAt: now().toISOString(),
      };
      active.set(k, alert);
      o.sender.send([alert]);
    },
    resolve(name, labels) {
      const ended: Alert[] = [];
      for (const [k, alert] of active) {
        if (alert.labels.alertname !== name) continue;
        if (labels && Object.entries(labels).some(([l, v]) => alert.labels[l] !== v)) continue;
        active.delete(k);
        ended.push({ ...alert, endsAt: now().toISOString() });
      }
      o.sender.send(ended);
    },
    resend: () => o.sender.send([...active.values()]),
    firing: () => [...active.values()],
    stop: () => clearInterval(timer),
  };
  return book;
}
