import type { DesiredHost } from '../desired/desired-host.js';
import type { Issue } from '../issues.js';
import type { KumaDpCommand } from '../model/kuma-dp-command.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import type { HostRules } from './host-rules.js';

/**
 * Everything one host must run, fully rendered: the files to write, the kuma-dp process, and the Dataplane that
 * kuma-dp will produce from the template. What `render` prints, what `diff` compares, what the reconciler applies.
 */
export interface RenderedHost {
  name: string;
  /** The composed desired state it was rendered from: the reconciler builds its target from the same value. */
  desired: DesiredHost;
  kumaVersion: string;
  /**
   * kuma-dp's own rendering of the template with the host's vars, byte for byte (kumahq/kuma
   * app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3).
   */
  dataplane: string;
  /** The rendered Dataplane's networking.address, when it parsed (an IPv6 one moves readiness to ::1). */
  dataplaneAddress: string | undefined;
  /** Files written on the host. The template is written as is: kuma-dp renders it when it starts. */
  files: HostFile[];
  tproxy: { config: TproxyConfig; yaml: string; sources: string[] };
  kumaDp: KumaDpCommand;
  /** The rules kumactl would install, for the declared (or default) host facts; absent when they cannot be built. */
  rules: HostRules | undefined;
}

export interface HostFile {
  purpose: 'dataplane-template' | 'tproxy-config';
  /** Absolute path on the host. */
  path: string;
  content: string;
  /** Where it comes from in the repo (the template), or how it was made (the merged tproxy layers). */
  origin: string;
}

/** A host's outcome at one revision: rendered when it could be, and every problem in the files it depends on. */
export interface HostResult {
  name: string;
  file: string;
  rendered: RenderedHost | undefined;
  issues: Issue[];
  /** Repo files the result depends on; equal contents at two revisions mean an equal result. */
  deps: string[];
}
