import type { Family } from './family.js';
import type { ResolvedHostFacts } from './host-facts.js';
import type { PathAccess } from './kuma-dp-access.js';
import type { NativeNftRead } from './native-nft.js';
import type { SavedRuleSet } from './ruleset.js';

/** What is on the host right now, read through the CommandRunner and /proc; never changed by reading it. */
export interface LiveState {
  /**
   * What kumactl would discover (kumahq/kuma pkg/transparentproxy/iptables/setup.go@v2.14.3, dryRun): loopback name,
   * /etc/passwd users, nameservers, modules, IPv6.
   */
  facts: ResolvedHostFacts;
  rules: LiveRules;
  /**
   * Native nftables tables, which `*-save` does not show; read for the `shadowed` drift class when asked
   * (readLive's `nativeNft`), absent otherwise: an apply does not need them.
   */
  nft?: NativeNftRead;
  /** The running kuma-dp as its supervisor knows it; undefined when not running. */
  kumaDp: LiveKumaDp | undefined;
  /** The target's files, by path; undefined when missing. */
  files: Record<string, LiveFile | undefined>;
  /** Whether the kuma-dp user can reach its binaries and files (target.access), the token among them. */
  access: PathAccess[];
}

export interface LiveRules {
  /**
   * The backend kumactl would choose (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3), and the
   * one whose *-save is read.
   */
  backend: 'nft' | 'legacy';
  /** Full `*-save` output per family, parsed (foreign rules included). IPv6 absent when ip6tables is unusable. */
  families: Partial<Record<Family, SavedRuleSet>>;
}

export interface LiveKumaDp {
  pid: number;
  /** From /proc/PID/cmdline of the supervised process (the `runuser ... kuma-dp run ...` command). */
  argv: string[];
  /** From /proc/PID/environ. */
  env: Record<string, string>;
  /** UID the kuma-dp process itself runs as. */
  uid: number | undefined;
  /** `GET /ready` answered 200. */
  ready: boolean;
  /** Started outside kuma-gitops (an adopted host): a restart stops it and starts kuma-gitops's own. */
  byHand?: boolean;
}

export interface LiveFile {
  content: string;
  mode: number;
  uid: number;
  gid: number;
}
