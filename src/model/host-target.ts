import type { Family } from './family.js';
import type { KumaDpNeed } from './kuma-dp-access.js';
import type { ExpectedRuleSet } from './ruleset.js';

/**
 * Desired state of one host made concrete for the machine it runs on: rendered from the repo, with the rules computed
 * from the host's live facts (not the declared ones). This is what the planner compares with the LiveState.
 */
export interface HostTarget {
  host: string;
  /** Digest of everything below: the revision the reconciler records as applied, or as failed. */
  revision: string;
  kumaDpUser: { name: string; uid: number };
  files: TargetFile[];
  kumaDp: {
    argv: string[];
    env: Record<string, string>;
    /**
     * Where `GET /ready` answers (kumahq/kuma app/kuma-dp/pkg/dataplane/readiness/component.go@v2.14.3): 127.0.0.1, or
     * ::1 for an IPv6 Dataplane address.
     */
    readiness: { address: string; port: number };
    tokenFile: string;
  };
  /** What the kuma-dp user must be able to read or execute; not part of the revision (it follows from the rest). */
  access: KumaDpNeed[];
  rules: {
    /** Families with rules; a family absent here must have no Kuma-owned objects. */
    expected: Partial<Record<Family, ExpectedRuleSet>>;
    /** kumactl's restore form per family, for logs and the journal. */
    restore: Partial<Record<Family, string>>;
    /**
     * The tproxy config's `wait` (s) and `waitInterval` (µs) for legacy iptables-restore (kumahq/kuma
     * pkg/transparentproxy/iptables/setup.go@v2.14.3 and config.go (Retry, Wait)).
     */
    wait: number;
    waitIntervalUs: number;
  };
}

export interface TargetFile {
  purpose: 'dataplane-template' | 'tproxy-config';
  path: string;
  content: string;
  /** Octal mode, owner and group: readable by the kuma-dp user, writable by root only. */
  mode: number;
  uid: number;
  gid: number;
}
