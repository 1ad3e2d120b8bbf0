import { startXtablesMonitor, type XtablesMonitor } from '../live/xtables-monitor.js';

/**
 * The drift watch's event sources for netfilter: xtables-monitor for the rules iptables-nft writes (the nft backend
 * only: iptables-legacy has no events), and `nft monitor` for native nftables tables (the shadowed class), on either
 * backend where `nft` could be read. Each event names its source and, when the monitor says, the writer.
 */
export interface RuleMonitors {
  /** Start or stop monitors to match the armed host. */
  arm(backend: 'nft' | 'legacy', nativeNft: boolean): void;
  /** Rule changes arrive as events (otherwise only the periodic check sees them). */
  readonly events: boolean;
  stop(): void;
}

export function ruleMonitors(
  netns: string | undefined,
  onEvent: (source: 'xtables-monitor' | 'nft-monitor', writer?: { pid: number; name: string }) => void,
): RuleMonitors {
  let xtables: XtablesMonitor | undefined;
  let nft: XtablesMonitor | undefined;
  return {
    arm(backend, nativeNft) {
      if (backend === 'nft' && !xtables) {
        xtables = startXtablesMonitor({ netns, onEvent: (e) => onEvent('xtables-monitor', e.writer) });
      }
      if (backend === 'legacy' && xtables) {
        xtables.stop();
        xtables = undefined;
      }
      if (nativeNft && !nft) {
        nft = startXtablesMonitor({ kind: 'nft-monitor', netns, onEvent: (e) => onEvent('nft-monitor', e.writer) });
      }
    },
    get events() {
      return xtables !== undefined;
    },
    stop() {
      xtables?.stop();
      nft?.stop();
    },
  };
}
