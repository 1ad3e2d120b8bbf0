import type { DesiredHost } from '../desired/desired-host.js';
import type { KumaDpCommand } from '../render/kuma-dp-command.js';
import type { TproxyConfig } from '../tproxy/config-types.js';

/** What the guide's safety rules need to know about the rendered Dataplane, with the line of each fact. */
export interface DataplaneView {
  file: string;
  address: string | undefined;
  inboundPorts: { port: number; line?: number }[];
  hasOutbound: boolean;
  outboundLine?: number;
  transparentProxying:
    | { redirectPortInbound?: number; redirectPortOutbound?: number; ipFamilyMode?: string; line?: number }
    | undefined;
  adminPort: number | undefined;
}

/** Where a tproxy setting was written (the last layer that sets it), for pointing issues at file:line. */
export type TproxyLocator = (path: readonly string[]) => { file: string; line?: number };

/** Everything the cross-file checks look at, already rendered. */
export interface SafetyInputs {
  host: DesiredHost;
  tproxy: TproxyConfig;
  locateTproxy: TproxyLocator;
  dataplane: DataplaneView | undefined;
  kumaDp: KumaDpCommand;
}
