import type { EventLog } from '../model/log.js';
import { prepareRendered } from '../reconcile/prepare-host.js';
import type { RenderedHost } from '../render/rendered-host.js';
import type { AgentConfig } from './agent-config.js';
import type { AgentMetrics } from './agent-metrics.js';
import type { AlertBook } from './alert-book.js';
import { type DriftWatch, startDriftWatch } from './drift-watch.js';
import { healLimit } from './heal-limit.js';
import { hostContextOf, reconcileWith } from './host-door.js';

/**
 * The drift watch wired to this host: each revision that becomes the last good one is prepared once (the same
 * composition root as apply) and watched from then on; heals go through the same reconcile, under the agent's lock.
 */
export interface HostWatch {
  onGood(commit: string, rendered: RenderedHost): Promise<void>;
  readonly mode: DriftWatch['mode'];
  stop(): void;
}

export function hostWatch(
  config: AgentConfig,
  log: EventLog,
  serialize: <T>(fn: () => Promise<T>) => Promise<T>,
  metrics?: AgentMetrics,
  alerts?: AlertBook,
): HostWatch {
  let armedCommit: string | undefined;
  const watch = startDriftWatch({
    netns: config.netns,
    log,
    serialize,
    limit: healLimit(config.drift.maxHeals, config.drift.healWindowMs),
    checkIntervalMs: config.drift.checkIntervalMs,
    onChecked: (findings) => {
      metrics?.driftCheck();
      metrics?.drift(new Set(findings.map((f) => f.class)));
    },
    onDrift: (c, sources) => {
      for (const s of sources) metrics?.driftEvent(c, s);
      alerts?.fire(
        'KumaGitopsDrift',
        { class: c, revision: armedCommit ?? '' },
        `${config.host}: ${c} drift (found by ${sources.join(', ')})`,
      );
    },
    onResolved: (c) => alerts?.resolve('KumaGitopsDrift', { class: c }),
    onFlapping: (c, flapping, writer) => {
      if (!flapping) return alerts?.resolve('KumaGitopsFlapping', { class: c });
      const who = writer ? `; the last writer of the rules was ${writer.name} (pid ${writer.pid})` : '';
      alerts?.fire(
        'KumaGitopsFlapping',
        // The revision label lets other hosts' rollout gates hold it (agent/alertmanager-gate.ts).
        { class: c, revision: armedCommit ?? '' },
        `${config.host}: ${c} drift keeps coming back: healing stopped for this class${who}`,
      );
    },
    onHeal: (classes, outcome) => {
      for (const c of classes) metrics?.heal(c);
      if (outcome.status === 'rolled-back' || outcome.status === 'failed-open') metrics?.rollback();
    },
    heal: (a) =>
      reconcileWith(config, a.target, a.ports, (event, data) => log(event, { ...data, commit: a.commit, heal: true })),
  });
  return {
    async onGood(commit, rendered) {
      if (commit === armedCommit) return;
      const { target, ports } = await prepareRendered(hostContextOf(config, log), rendered);
      const live = await ports.readLive({ nativeNft: true });
      armedCommit = commit;
      watch.arm({
        commit,
        target,
        ports,
        backend: live.rules.backend,
        nativeNft: live.nft !== undefined && 'ruleset' in live.nft,
        policy: rendered.desired.drift,
      });
      log('watching for drift', { commit, mode: watch.mode, checkIntervalMs: config.drift.checkIntervalMs });
    },
    get mode() {
      return watch.mode;
    },
    stop: () => watch.stop(),
  };
}
