import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig } from '../../src/tproxy/config-types.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import { type DnsVariant, dnsVariant } from '../../src/tproxy/rules/dns-variant.js';
import { formatRule } from '../../src/tproxy/rules/format-restore.js';
import { parseKumaVersion } from '../../src/versions.js';

/** REFERENCE §2.13: four DNS variants between 2.9 and 2.14. */
describe('dnsVariant boundaries', () => {
  it.each([
    ['2.9.0', 'V1'],
    ['2.9', 'V1'],
    ['2.10.4', 'V1'],
    ['2.11.0', 'V1'],
    ['2.11.5', 'V1'],
    ['2.11.6', 'V2'],
    ['2.11.8', 'V2'],
    ['2.11.9', 'V3'],
    ['2.11', 'V3'],
    ['2.12.0', 'V1'],
    ['2.12.1', 'V2'],
    ['2.12.5', 'V2'],
    ['2.12.6', 'V3'],
    ['2.12', 'V3'],
    ['2.13.0', 'V2'],
    ['2.13.1', 'V3'],
    ['2.13', 'V3'],
    ['2.14.0', 'V4'],
    ['2.14', 'V4'],
    ['3.0.0', 'V4'],
  ] as [string, DnsVariant][])('%s is %s', (v, want) => expect(dnsVariant(parseKumaVersion(v))).toBe(want));
});

/** OUTPUT and KUMA_MESH_OUTBOUND for one version, with comments, DNS to one server or captureAll. */
function dnsChains(version: string, captureAll: boolean): { output: string[]; mesh: string[]; comments: string[] } {
  const c = defaultTproxyConfig();
  c.redirect.dns.enabled = true;
  c.redirect.dns.captureAll = captureAll;
  const [v4] = buildRuleSets(parseKumaVersion(version), c, { dnsServers: ['1.1.1.1'] }, '5678');
  const nat = v4!.tables.find((t) => t.name === 'nat')!;
  const bare = (chain: string) =>
    nat.rules.filter((r) => r.chain === chain).map((r) => formatRule({ ...r, comment: undefined }));
  const comments = nat.rules.filter((r) => r.chain === 'KUMA_MESH_OUTBOUND').map((r) => r.comment ?? '');
  return { output: bare('OUTPUT'), mesh: bare('KUMA_MESH_OUTBOUND'), comments };
}

const KUMA_DP_UDP = '-I OUTPUT 1 -p udp --dport 53 -m owner --uid-owner 5678 -j RETURN';
const TCP_RETURN = '-A OUTPUT -p tcp --dport 53 -m owner ! --uid-owner 5678 -j RETURN';
const TO_MESH = '-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND';
const loopback = (skip: boolean) => {
  const tcp = skip ? '-p tcp ! --dport 53' : '-p tcp';
  return [
    `-A KUMA_MESH_OUTBOUND ${tcp} -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 5678 -j KUMA_MESH_INBOUND_REDIRECT`,
    `-A KUMA_MESH_OUTBOUND ${tcp} -o lo -m owner ! --uid-owner 5678 -j RETURN`,
  ];
};
const meshOutbound = (skip: boolean, tcpDns: string[]) => [
  '-A KUMA_MESH_OUTBOUND -s 127.0.0.6/32 -o lo -j RETURN',
  ...loopback(skip),
  '-A KUMA_MESH_OUTBOUND -m owner --uid-owner 5678 -j RETURN',
  ...tcpDns,
  '-A KUMA_MESH_OUTBOUND -d 127.0.0.1/32 -j RETURN',
  '-A KUMA_MESH_OUTBOUND -j KUMA_MESH_OUTBOUND_REDIRECT',
];

describe.each([
  ['2.11.5', 'V1'],
  ['2.11.6', 'V2'],
  ['2.11.8', 'V2'],
  ['2.11.9', 'V3'],
  ['2.12.0', 'V1'],
  ['2.12.1', 'V2'],
  ['2.12.5', 'V2'],
  ['2.12.6', 'V3'],
  ['2.13.0', 'V2'],
  ['2.13.1', 'V3'],
  ['2.14.0', 'V4'],
])('%s (%s) DNS rules', (version, variant) => {
  const v1 = variant === 'V1';
  const tcpReturn = variant === 'V3' || variant === 'V4';

  it('captureAll', () => {
    const { output, mesh } = dnsChains(version, true);
    const redirect = '-I OUTPUT 2 -p udp --dport 53 -j REDIRECT --to-ports 15053';
    expect(output).toEqual([KUMA_DP_UDP, ...(tcpReturn ? [TCP_RETURN] : []), redirect, TO_MESH]);
    const tcpDns = v1 ? ['-A KUMA_MESH_OUTBOUND -p tcp --dport 53 -j REDIRECT --to-ports 15053'] : [];
    expect(mesh).toEqual(meshOutbound(variant !== 'V4', tcpDns));
  });

  it('per server', () => {
    const { output, mesh, comments } = dnsChains(version, false);
    const redirect = '-I OUTPUT 2 -d 1.1.1.1 -p udp --dport 53 -j REDIRECT --to-ports 15053';
    expect(output).toEqual([KUMA_DP_UDP, ...(tcpReturn ? [TCP_RETURN] : []), redirect, TO_MESH]);
    const tcpDns = v1 ? ['-A KUMA_MESH_OUTBOUND -d 1.1.1.1 -p tcp --dport 53 -j REDIRECT --to-ports 15053'] : [];
    expect(mesh).toEqual(meshOutbound(variant !== 'V4', tcpDns));
    const except = variant === 'V4' ? '' : ' (except to DNS port 53)';
    expect(comments[1]).toBe(
      `redirect outbound TCP traffic${except} destined for loopback interface, but not targeting address ` +
        '127.0.0.1/32, and owned by UID 5678 (kuma-dp user) to KUMA_MESH_INBOUND_REDIRECT chain for proper handling',
    );
    expect(comments[2]).toBe(
      `return outbound TCP traffic${except} destined for loopback interface, owned by any UID other than 5678 (kuma-dp user)`,
    );
    if (v1) {
      expect(comments[4]).toBe(
        'redirect DNS requests sent via TCP to 1.1.1.1 to kuma-dp DNS proxy (listening on port 15053)',
      );
    }
  });

  it('without DNS: no TCP/53 handling, and the comment still mentions port 53 before 2.14', () => {
    const [v4] = buildRuleSets(parseKumaVersion(version), defaultTproxyConfig(), {}, '5678');
    const nat = v4!.tables.find((t) => t.name === 'nat')!;
    expect(nat.rules.some((r) => r.params.includes('53'))).toBe(false);
    const comment = nat.rules.filter((r) => r.chain === 'KUMA_MESH_OUTBOUND')[2]!.comment;
    expect(comment?.includes('(except to DNS port 53)')).toBe(variant !== 'V4');
  });
});
