/** The exact process the host must run, and what kuma-dp will make of it. */
export interface KumaDpCommand {
  /** As in the guide: `runuser -u kuma-dp -- /usr/local/bin/kuma-dp run --cp-address=... ...`. */
  argv: string[];
  /** Environment kuma-dp runs with (on top of the supervisor's minimal environment). */
  env: Record<string, string>;
  /**
   * Effective settings after kuma-dp's precedence: env vars override flags (kumahq/kuma app/kuma-dp/cmd/run.go@v2.14.3;
   * inferred, not verified by running kuma-dp).
   */
  effective: KumaDpEffective;
}

export interface KumaDpEffective {
  cpAddress: string;
  tokenFile: string;
  dataplaneFile: string;
  dnsEnabled: boolean;
  /** The port DNS redirection must point at: the embedded DNS proxy if KUMA_DNS_PROXY_PORT is set, else CoreDNS. */
  dnsPort: number;
  envoyDnsPort: number;
  readinessPort: number;
}

/** The same command: what the supervisor started, what /proc shows, what the plan wants, compared word by word. */
export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}
