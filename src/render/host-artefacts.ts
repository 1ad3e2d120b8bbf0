import type { HostRollout } from '../desired/desired-host.js';
import type { Issue } from '../issues.js';
import type { HostResult, RenderedHost } from './rendered-host.js';

export type ArtefactName = 'dataplane' | 'tproxyConfig' | 'kumaDp' | 'rules' | 'hostFiles';
export type Artefacts = Record<ArtefactName, string>;

export const ARTEFACT_TITLES: Record<ArtefactName, string> = {
  dataplane: 'Dataplane (as kuma-dp renders it)',
  tproxyConfig: 'transparent-proxy config',
  kumaDp: 'kuma-dp command and environment',
  rules: 'iptables rules (kumactl --dry-run form, declared host facts)',
  hostFiles: 'files on the host',
};

/**
 * A host's result reduced to what validate and diff need: its issues and each artefact as text, one diffable unit
 * per line. Small enough to keep for every host of a large fleet, and to send between worker threads.
 */
export interface HostOutcome {
  name: string;
  file: string;
  issues: Issue[];
  deps: string[];
  /** Undefined when the host could not be rendered (its errors say why). */
  artefacts: Artefacts | undefined;
  /** When agents apply a new revision here (waves, paused); absent when not rendered. */
  rollout?: HostRollout;
}

export function toOutcome(r: HostResult): HostOutcome {
  return {
    name: r.name,
    file: r.file,
    issues: r.issues,
    deps: r.deps,
    artefacts: r.rendered && artefacts(r.rendered),
    ...(r.rendered ? { rollout: r.rendered.desired.rollout } : {}),
  };
}

function artefacts(r: RenderedHost): Artefacts {
  return {
    dataplane: r.dataplane,
    tproxyConfig: r.tproxy.yaml,
    kumaDp: lines([...r.kumaDp.argv, ...Object.entries(r.kumaDp.env).map(([k, v]) => `env ${k}=${v}`)]),
    rules: r.rules?.dryRun ?? '',
    hostFiles: lines(r.files.map((f) => `${f.path} (${f.purpose}, from ${f.origin})`)),
  };
}

const lines = (xs: readonly string[]) => (xs.length ? `${xs.join('\n')}\n` : '');

export const NO_ARTEFACTS: Artefacts = { dataplane: '', tproxyConfig: '', kumaDp: '', rules: '', hostFiles: '' };
