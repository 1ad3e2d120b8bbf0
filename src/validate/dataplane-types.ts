/**
 * The Dataplane spec after protobuf-JSON decoding, shaped like the Go proto structs the validator reads.
 * Proto3 scalars have no presence, so a missing number/string means 0/'' exactly as in Go.
 */
export type StringMap = Map<string, string>;

export interface ServiceProbe {
  /** Seconds. */
  interval?: number;
  timeout?: number;
  unhealthyThreshold?: number;
  healthyThreshold?: number;
}

export interface Inbound {
  port?: number;
  servicePort?: number;
  serviceAddress?: string;
  address?: string;
  tags?: StringMap;
  serviceProbe?: ServiceProbe;
  protocol?: string;
}

export interface BackendRef {
  kind?: string;
  name?: string;
  port?: number;
  labels?: StringMap;
}

export interface Outbound {
  address?: string;
  port?: number;
  tags?: StringMap;
  backendRef?: BackendRef;
}

export interface ReachableBackendRef {
  kind?: string;
  name?: string;
  namespace?: string;
  port?: number;
  labels?: StringMap;
}

export interface TransparentProxying {
  redirectPortInbound?: number;
  redirectPortOutbound?: number;
  reachableServices?: string[];
  ipFamilyMode?: string;
  reachableBackends?: { refs?: ReachableBackendRef[] };
}

export interface Networking {
  address?: string;
  advertisedAddress?: string;
  inbound?: Inbound[];
  outbound?: Outbound[];
  gateway?: { tags?: StringMap; type?: string };
  transparentProxying?: TransparentProxying;
  admin?: { port?: number };
}

export interface Probes {
  port?: number;
  endpoints?: { inboundPort?: number; inboundPath?: string; path?: string }[];
}

export interface DataplaneSpec {
  networking?: Networking;
  probes?: Probes;
}

/** A value and the 1-based line of the rendered document it was read from. */
export interface At<T> {
  value: T;
  line: number;
}

export interface ParsedInbound {
  index: number;
  line: number;
  port?: At<number>;
  /** Only when written and non-zero; 0 means "same as port". */
  servicePort?: At<number>;
}

/** What later cross-file checks (tproxy config, kuma-dp flags, other hosts) need from a rendered Dataplane. */
export interface ParsedDataplane {
  name?: At<string>;
  mesh?: At<string>;
  address?: At<string>;
  inbounds: ParsedInbound[];
  /** Any `networking.outbound` entry written (with transparent proxying it is normally omitted). */
  hasOutbound: boolean;
  outboundLine?: number;
  transparentProxying?: {
    line: number;
    redirectPortInbound?: At<number>;
    redirectPortOutbound?: At<number>;
    /** The proto enum name (`IPv4`, `DualStack`, ...) when recognisable in any case, else the text as written. */
    ipFamilyMode?: At<string>;
  };
  adminPort?: At<number>;
}
