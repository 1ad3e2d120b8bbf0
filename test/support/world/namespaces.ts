/**
 * The network of a test world: a "host" and a "peer" namespace joined by a veth pair, the host's resolv.conf
 * (/etc/netns/<host>/resolv.conf, which `ip netns exec` puts in place) naming the peer. Links and addresses are
 * made inside the namespaces only (`ip -n`); this machine's own network is never touched.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, must } from './exec.js';
import { killNetnsProcesses } from './processes.js';

export interface NamespacePair {
  hostNs: string;
  peerNs: string;
  /** 10.77.<subnet>.1 and .2 */
  hostAddress: string;
  peerAddress: string;
  /** fd77:<subnet>::1 and ::2, with ipv6 */
  hostAddress6?: string;
  peerAddress6?: string;
}

export interface PairOptions {
  /** The namespaces are `<id>-host` and `<id>-peer`. */
  id: string;
  subnet: number;
  /** The veth's names in the host and in the peer namespace. */
  links: readonly [string, string];
  /** Both ends get an IPv6 address too, and resolv.conf names it. */
  ipv6?: boolean;
}

const ETC_NETNS = '/etc/netns';
// Removed again after the last entry of ours when it was not there before.
const etcNetnsExisted = existsSync(ETC_NETNS);

export const pairNames = (id: string) => ({ hostNs: `${id}-host`, peerNs: `${id}-peer` });

/** Makes the namespaces and their network; on an error, what exists is removed by removeNamespace (by name). */
export async function createNamespacePair(o: PairOptions): Promise<NamespacePair> {
  const { hostNs, peerNs } = pairNames(o.id);
  const pair: NamespacePair = {
    hostNs,
    peerNs,
    hostAddress: `10.77.${o.subnet}.1`,
    peerAddress: `10.77.${o.subnet}.2`,
    ...(o.ipv6 ? { hostAddress6: `fd77:${o.subnet}::1`, peerAddress6: `fd77:${o.subnet}::2` } : {}),
  };
  await must(['ip', 'netns', 'add', hostNs]);
  await must(['ip', 'netns', 'add', peerNs]);
  writeResolvConf(hostNs, [pair.peerAddress, ...(pair.peerAddress6 ? [pair.peerAddress6] : [])]);
  for (const ns of [hostNs, peerNs]) await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  // Created inside the host namespace with its peer end moved straight into the peer namespace.
  const [hostLink, peerLink] = o.links;
  await must(['ip', '-n', hostNs, 'link', 'add', hostLink, 'type', 'veth', 'peer', 'name', peerLink, 'netns', peerNs]);
  for (const [ns, link, end] of [
    [hostNs, hostLink, 1],
    [peerNs, peerLink, 2],
  ] as const) {
    await must(['ip', '-n', ns, 'addr', 'add', `10.77.${o.subnet}.${end}/24`, 'dev', link]);
    // nodad: the address is usable at once instead of tentative for a second or two.
    if (o.ipv6) await must(['ip', '-n', ns, '-6', 'addr', 'add', `fd77:${o.subnet}::${end}/64`, 'dev', link, 'nodad']);
    await must(['ip', '-n', ns, 'link', 'set', link, 'up']);
  }
  return pair;
}

function writeResolvConf(ns: string, nameservers: string[]): void {
  // Another run may remove an empty /etc/netns between the two mkdirs: try again.
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(join(ETC_NETNS, ns), { recursive: true });
      writeFileSync(join(ETC_NETNS, ns, 'resolv.conf'), nameservers.map((a) => `nameserver ${a}\n`).join(''));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Kills what runs in the namespace, deletes it and its /etc/netns entry. Never fails on a part already gone. */
export async function removeNamespace(ns: string): Promise<void> {
  await killNetnsProcesses(ns);
  await exec(['ip', 'netns', 'del', ns]);
  rmSync(join(ETC_NETNS, ns), { recursive: true, force: true });
  if (!etcNetnsExisted) await rmdir(ETC_NETNS).catch(() => undefined);
}

/** Namespaces and /etc/netns entries that exist now (an entry may outlive its namespace after a kill). */
export async function namespacesAndEntries(): Promise<string[]> {
  const { stdout } = await exec(['ip', 'netns', 'list']);
  const namespaces = stdout.split('\n').map((line) => line.split(' ')[0] ?? '');
  const entries = existsSync(ETC_NETNS) ? readdirSync(ETC_NETNS) : [];
  return [...new Set([...namespaces, ...entries])].filter(Boolean);
}
