import { error, type Issue, warning } from '../issues.js';
import { parseVnetNetwork, type VnetNetwork } from './address-checks.js';
import type { TproxyConfig } from './config-types.js';
import { locate, locateItem, type SourceTree } from './source-locator.js';
import { hasUidAboveUint16, parseUidExclusion, UID_ERROR_PREFIX, uidRangeHint } from './uid-exclusions.js';

/**
 * Traps in list settings: UID exclusions and virtual networks (an inbound UID exclusion, UIDs above 65535, duplicate
 * vnet interfaces, a /0 network).
 */
export function lintListTraps(config: TproxyConfig, trees: readonly SourceTree[]): Issue[] {
  const issues: Issue[] = [];
  const where = (path: string, index: number) => {
    const { node: _node, ...at } = locateItem(trees, path, index);
    return { ...at, path: `${path}[${index}]` };
  };

  const inbound = 'redirect.inbound.excludePortsForUIDs';
  if (config.redirect.inbound.excludePortsForUIDs.length > 0) {
    const { node: _node, ...at } = locate(trees, inbound);
    issues.push(
      error({
        code: 'tproxy.inbound.exclude-uids',
        ...at,
        path: inbound,
        message:
          'redirect.inbound.excludePortsForUIDs becomes an unconditional `-A KUMA_MESH_INBOUND -j RETURN`, which disables all inbound redirection',
        hint: 'remove it; to let a user bypass the proxy use redirect.outbound.excludePortsForUIDs',
      }),
    );
  }

  for (const direction of ['inbound', 'outbound'] as const) {
    const path = `redirect.${direction}.excludePortsForUIDs`;
    config.redirect[direction].excludePortsForUIDs.forEach((entry, index) => {
      const parsed = parseUidExclusion(entry);
      if (parsed.ok || !hasUidAboveUint16(entry)) return;
      issues.push(
        error({
          code: 'tproxy.exclude-uids.uid-range',
          ...where(path, index),
          message: `${UID_ERROR_PREFIX}${parsed.message}`,
          hint: uidRangeHint,
        }),
      );
    });
  }

  const networks = config.redirect.vnet.networks;
  const vnetPath = 'redirect.vnet.networks';
  const lastByInterface = new Map<string, { index: number; net: VnetNetwork }>();
  const parsed = networks.map((entry) => parseVnetNetwork(entry));
  parsed.forEach((p, index) => {
    if (p.ok) lastByInterface.set(`${p.value.family}/${p.value.iface}`, { index, net: p.value });
  });
  parsed.forEach((p, index) => {
    if (!p.ok) return;
    const bad = interfaceNameProblem(p.value.iface);
    if (bad === undefined) return;
    // kumactl does not check the name (VNet.Initialize) and writes it into the iptables-restore payload as is.
    issues.push(
      error({
        code: 'tproxy.vnet.interface-invalid',
        ...where(vnetPath, index),
        message: `interface name ${JSON.stringify(p.value.iface)} ${bad}; kumactl would write it into the iptables-restore payload as it is`,
        hint: 'write the name as `ip link` shows it, e.g. docker0 or br+',
      }),
    );
  });
  parsed.forEach((p, index) => {
    if (!p.ok || !p.value.cidr.endsWith('/0')) return;
    // Found in a namespace with iptables 1.8.9, not from Kuma's source: nft refuses a negated match of everything.
    issues.push(
      warning({
        code: 'tproxy.vnet.zero-prefix',
        ...where(vnetPath, index),
        message: `'${networks[index]}' excludes every destination: kumactl renders \`! -d ${p.value.cidr}\`, a rule that never matches, which iptables-nft rejects (an apply is rolled back) and iptables-legacy accepts`,
        hint: `give the network behind ${p.value.iface}, e.g. ${p.value.iface}:172.17.0.0/16`,
      }),
    );
  });
  parsed.forEach((p, index) => {
    if (!p.ok) return;
    const kept = lastByInterface.get(`${p.value.family}/${p.value.iface}`)!;
    if (kept.index === index) return;
    issues.push(
      warning({
        code: 'tproxy.vnet.duplicate-interface',
        ...where(vnetPath, index),
        message: `interface '${p.value.iface}' is listed again for IPv${p.value.family}; kumactl keeps only its last CIDR (${kept.net.cidr}) and drops ${p.value.cidr}`,
        hint: 'give each interface one CIDR per IP family',
      }),
    );
  });

  const dns = config.redirect.dns;
  if (networks.length > 0 && !dns.enabled && !dns.captureAll) {
    const { node: _node, ...at } = locate(trees, vnetPath);
    issues.push(
      warning({
        code: 'tproxy.vnet.dns-redirect',
        ...at,
        path: vnetPath,
        message: `with redirect.vnet.networks set, kumactl redirects UDP/53 on those interfaces to port ${dns.port} even though DNS redirection is disabled`,
        hint: 'enable redirect.dns so the DNS proxy listens on that port, or make sure DNS from these interfaces may break',
      }),
    );
  }
  return issues;
}

/**
 * Why the kernel would refuse `name` as an interface name (Linux net/core/dev.c, dev_valid_name: 1 to 15 bytes,
 * not `.` or `..`, no `/`, `:` or whitespace), or a control character; undefined when it is fine. iptables' `+`
 * wildcard suffix is allowed.
 */
export function interfaceNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (Buffer.byteLength(name) > 15) return 'is longer than the 15 bytes the kernel allows';
  if (name === '.' || name === '..') return 'is not a name the kernel allows';
  if (/[/:\s]/.test(name)) return "contains '/', ':' or whitespace, which the kernel does not allow";
  return undefined;
}
