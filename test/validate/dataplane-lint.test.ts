import { describe, expect, it } from 'vitest';
import { lineWith, validate } from './dataplane-helpers.js';

/** Warnings: things kuma-dp accepts (or silently drops) that are most likely mistakes. */
const run = (text: string, version = '2.14.3') => validate(text, version);

const BASE = `type: Dataplane
mesh: default
name: web
networking:
  address: 192.168.1.10
  inbound:
    - port: 8080
      tags:
        kuma.io/service: web
  transparentProxying:
    redirectPortInbound: 15006
    redirectPortOutbound: 15001
`;

type Row = [label: string, from: string, to: string, code: string, path: string, message: RegExp, hint?: RegExp];

const rows: Row[] = [
  [
    'misspelt section',
    '  transparentProxying:',
    '  tranparentProxying:',
    'dataplane.spec.unknown-field',
    'networking.tranparentProxying',
    /^kuma-dp ignores unknown field "tranparentProxying" in Networking$/,
    /did you mean "transparentProxying"\?/,
  ],
  [
    'misspelt field',
    'redirectPortInbound',
    'redirectPortInbund',
    'dataplane.spec.unknown-field',
    'networking.transparentProxying.redirectPortInbund',
    /unknown field "redirectPortInbund" in TransparentProxying/,
    /did you mean "redirectPortInbound"\?/,
  ],
  [
    'Go-style capitalised field (protobuf-JSON keys are case-sensitive)',
    '    - port: 8080',
    '    - port: 8080\n      ServicePort: 8081',
    'dataplane.spec.unknown-field',
    'networking.inbound[0].ServicePort',
    /unknown field "ServicePort" in Inbound/,
    /did you mean "servicePort"\?/,
  ],
  [
    'unknown field with nothing close',
    '  address: 192.168.1.10',
    '  address: 192.168.1.10\n  zone: eu-1',
    'dataplane.spec.unknown-field',
    'networking.zone',
    /unknown field "zone" in Networking/,
    /known fields: address, advertisedAddress, inbound/,
  ],
  [
    'advertisedAddress (removed in 3.0)',
    '  address: 192.168.1.10',
    '  address: 192.168.1.10\n  advertisedAddress: 203.0.113.7',
    'dataplane.spec.removed-in-3',
    'networking.advertisedAddress',
    /^advertisedAddress is deprecated and removed in Kuma 3.0/,
  ],
  [
    'reachableServices (removed in 3.0)',
    '    redirectPortOutbound: 15001',
    '    redirectPortOutbound: 15001\n    reachableServices: [redis]',
    'dataplane.spec.removed-in-3',
    'networking.transparentProxying.reachableServices',
    /^reachableServices is deprecated and removed in Kuma 3.0/,
  ],
  [
    'lowercase ipFamilyMode',
    '    redirectPortOutbound: 15001',
    '    redirectPortOutbound: 15001\n    ipFamilyMode: ipv4',
    'dataplane.spec.enum-case',
    'networking.transparentProxying.ipFamilyMode',
    /^ipFamilyMode "ipv4" is not written as the proto enum name "IPv4"; kuma-dp may reject it/,
    /write IPv4/,
  ],
  [
    'kumactl-style dualstack',
    '    redirectPortOutbound: 15001',
    '    redirectPortOutbound: 15001\n    ipFamilyMode: dualstack',
    'dataplane.spec.enum-case',
    'networking.transparentProxying.ipFamilyMode',
    /"dualstack" is not written as the proto enum name "DualStack"/,
  ],
  ...(['127.0.0.1', '127.3.2.1', '"::1"', 'localhost'].map((a) => [
    `loopback address ${a}`,
    '  address: 192.168.1.10',
    `  address: ${a}`,
    'dataplane.address.loopback',
    'networking.address',
    /is a loopback address: other proxies in the mesh cannot reach this Dataplane$/,
  ]) as Row[]),
  [
    'an invalid IPv4 that govalidator takes for a domain name',
    '  address: 192.168.1.10',
    '  address: 192.168.1.300',
    'dataplane.address.not-an-ip',
    'networking.address',
    /^address 192.168.1.300 looks like an IPv4 address but is not one/,
  ],
  [
    'name not RFC 1035 (dots)',
    'name: web',
    'name: web.eu-1',
    'dataplane.meta.name-not-rfc1035',
    'name',
    /^name "web.eu-1" is not an RFC 1035 label .* no MeshService is generated for it$/,
    /rename it, e.g. "web-eu-1"/,
  ],
  [
    'name not RFC 1035 (leading digit)',
    'name: web',
    'name: 1-web',
    'dataplane.meta.name-not-rfc1035',
    'name',
    /^name "1-web" is not an RFC 1035 label/,
  ],
  [
    'kuma.io/service not RFC 1035',
    'kuma.io/service: web',
    'kuma.io/service: web_api',
    'dataplane.inbound.service-not-rfc1035',
    'networking.inbound[0].tags["kuma.io/service"]',
    /^kuma.io\/service "web_api" is not an RFC 1035 label, so Kuma generates no MeshService for it$/,
  ],
  ...(['redirectPortInbound: 15006', 'redirectPortOutbound: 15001'].map((field) => [
    `${field.split(':')[0]} above 65535`,
    field,
    field.replace(/\d+$/, '150010'),
    'dataplane.tproxy.port-range',
    `networking.transparentProxying.${field.split(':')[0]}`,
    /150010 is above 65535: kuma-dp accepts it, but no port can be redirected to it$/,
  ]) as Row[]),
  [
    'IPv4 mode with an IPv6 address',
    '  address: 192.168.1.10',
    '  address: "fd00::10"',
    'dataplane.tproxy.ipv4-mode-ipv6-address',
    'networking.transparentProxying.ipFamilyMode',
    /the control plane treats transparent proxying as disabled$/,
  ],
];

describe('lint warnings on a rendered Dataplane', () => {
  it.each(rows)('%s', (label, from, to, code, path, message, hint) => {
    let text = BASE.replace(from, to);
    if (label.startsWith('IPv4 mode')) text += '    ipFamilyMode: IPv4\n';
    expect(text).not.toBe(BASE);
    const { issues } = run(text);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues).toHaveLength(1);
    const [w] = issues;
    const needle = label.startsWith('IPv4 mode') ? 'ipFamilyMode' : to.split('\n').at(-1)!.trim();
    expect(w).toMatchObject({ severity: 'warning', code, path, line: lineWith(text, needle) });
    expect(w!.message).toMatch(message);
    if (hint) expect(w!.hint).toMatch(hint);
  });

  it.each([
    ['IPv4', 'IPv4'],
    ['a proto enum number', '2'],
  ])('accepts ipFamilyMode written as %s without warning and reports the enum name', (_label, written) => {
    const res = run(`${BASE}    ipFamilyMode: ${written}\n`);
    expect(res.issues).toEqual([]);
    expect(res.dataplane?.transparentProxying?.ipFamilyMode).toEqual({ value: 'IPv4', line: 13 });
  });

  it('rejects an ipFamilyMode that is no enum name in any case', () => {
    const { issues } = run(`${BASE}    ipFamilyMode: v4only\n`);
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'dataplane.spec.type',
        line: 13,
        message: 'invalid value for enum type: "v4only"',
      }),
    ]);
  });

  it('accepts redirect port 65535 without warning', () => {
    expect(run(BASE.replace('15006', '65535')).issues).toEqual([]);
  });

  it('does not call a valid RFC 1035 name or service a problem', () => {
    expect(run(BASE.replaceAll('web', 'web-1')).issues).toEqual([]);
  });
});
