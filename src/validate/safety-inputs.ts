import type { DesiredHost } from '../desired/desired-host.js';
import type { KumaDpCommand } from '../model/kuma-dp-command.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import type { ParsedDataplane } from './dataplane.js';

/** Where a tproxy setting was written (the last layer that sets it), for pointing issues at file:line. */
export type TproxyLocator = (path: readonly string[]) => { file: string; line?: number };

/** Everything the cross-file checks look at, already rendered. */
export interface SafetyInputs {
  host: DesiredHost;
  tproxy: TproxyConfig;
  locateTproxy: TproxyLocator;
  /** The rendered Dataplane, when it parsed, and the template file its lines refer to. */
  dataplane: (ParsedDataplane & { file: string }) | undefined;
  kumaDp: KumaDpCommand;
}
