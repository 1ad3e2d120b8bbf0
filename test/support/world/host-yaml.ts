/**
 * The desired state a world's host gets in its repo copy: hosts/example-server.yaml running the world's copy of the
 * stand-in kuma-dp with the world's token, Dataplane and tproxy files, and tproxy/fleet.yaml with more settings.
 */
import { stringify } from 'yaml';

/** hosts/<host>.yaml as an object; other keys of the host schema may be added. */
export interface HostDoc {
  dataplane: { template: string; vars: Record<string, string | number>; [key: string]: unknown };
  service: { user?: string; ports: number[]; [key: string]: unknown };
  kumaDp: { env: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface HostParts {
  hostAddress: string;
  peerAddress: string;
  files: { token: string; dataplane: string; tproxy: string };
  serviceUser?: string | undefined;
  /** The world's copy of the stand-in kuma-dp (sandbox-tools.ts), which the kuma-dp user can reach. */
  tools: { kumaDp: string };
}

/** The guide's example-server on the world's addresses, with the stand-in kuma-dp listening on every address. */
export function hostDoc(w: HostParts): HostDoc {
  return {
    dataplane: {
      template: 'templates/example-server.yaml',
      vars: { name: 'example-server-dataplane', address: w.hostAddress, port: 8080 },
    },
    service: { ...(w.serviceUser ? { user: w.serviceUser } : {}), ports: [8080] },
    kumaDp: {
      cpAddress: `https://${w.peerAddress}:5678`,
      binary: w.tools.kumaDp,
      tokenFile: w.files.token,
      dataplaneFile: w.files.dataplane,
      tproxyConfigFile: w.files.tproxy,
      env: { KUMA_STANDIN_LISTEN_ADDRESSES: '0.0.0.0,::' },
    },
  };
}

/** A repo file's text: an object as YAML, a string as is. */
export const yamlText = (doc: object | string): string => (typeof doc === 'string' ? doc : stringify(doc));

/** The sample's tproxy/fleet.yaml, with more settings merged in (YAML flow style, JSON values). */
export function fleetTproxy(
  extra: { kumaDPUser?: string; outboundExcludePorts?: number[]; vnetNetworks?: string[] } = {},
): string {
  return `${JSON.stringify(
    {
      ...(extra.kumaDPUser ? { kumaDPUser: extra.kumaDPUser } : {}),
      redirect: {
        dns: { enabled: true },
        inbound: { excludePorts: [22] },
        ...(extra.outboundExcludePorts ? { outbound: { excludePorts: extra.outboundExcludePorts } } : {}),
        ...(extra.vnetNetworks ? { vnet: { networks: extra.vnetNetworks } } : {}),
      },
    },
    null,
    2,
  )}\n`;
}
