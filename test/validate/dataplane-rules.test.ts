import { describe, expect, it } from 'vitest';
import { DNS1123_SUBDOMAIN_MESSAGE, MESH_NAME_MESSAGE } from '../../src/validate/kuma-names.js';
import { dp, errorsOf, HEAD, INBOUND, lineWith } from './dataplane-helpers.js';

/** Kuma's own Validate() and meta messages (REFERENCE §5), one broken thing per document. */

type Case = [label: string, text: string, path: string, lineNeedle: string, message: string];

const cases: Case[] = [
  // meta
  ['empty name', dp('', { head: 'type: Dataplane\nmesh: default\nname: ""\n' }), 'name', 'name:', 'cannot be empty'],
  ['missing name', dp('', { head: 'type: Dataplane\nmesh: default\n' }), 'name', 'type:', 'cannot be empty'],
  [
    'name over 253 characters',
    dp('', { head: `type: Dataplane\nmesh: default\nname: ${'a'.repeat(254)}\n` }),
    'name',
    'name:',
    'value length must less or equal 253',
  ],
  [
    'name not RFC 1123',
    dp('', { head: 'type: Dataplane\nmesh: default\nname: Web_1\n' }),
    'name',
    'name:',
    DNS1123_SUBDOMAIN_MESSAGE,
  ],
  [
    'mesh with capitals',
    dp('', { head: 'type: Dataplane\nmesh: Default\nname: web\n' }),
    'mesh',
    'mesh:',
    MESH_NAME_MESSAGE,
  ],
  ['missing mesh', dp('', { head: 'type: Dataplane\nname: web\n' }), 'mesh', 'type:', 'cannot be empty'],
  [
    'numeric name',
    dp('', { head: 'type: Dataplane\nmesh: default\nname: 1234\n' }),
    'name',
    'name:',
    'json: cannot unmarshal number into Go struct field ResourceMeta.name of type string',
  ],
  ['no networking', `${HEAD}`, 'networking', 'type:', 'must be defined'],
  // address
  ['empty address', dp('', { address: '""' }), 'networking.address', 'address:', "address can't be empty"],
  ['missing address', `${HEAD}networking:\n${INBOUND}`, 'networking.address', 'networking:', "address can't be empty"],
  ['0.0.0.0', dp('', { address: '0.0.0.0' }), 'networking.address', 'address:', 'must not be 0.0.0.0 or ::'],
  ['::', dp('', { address: '"::"' }), 'networking.address', 'address:', 'must not be 0.0.0.0 or ::'],
  [
    'address with a port',
    dp('', { address: '"192.168.1.10:8080"' }),
    'networking.address',
    'address:',
    'address has to be valid IP address or domain name',
  ],
  [
    'address with a space',
    dp('', { address: 'web 1.internal' }),
    'networking.address',
    'address:',
    'address has to be valid IP address or domain name',
  ],
  [
    'address with an HTML entity',
    dp('', { address: '"&#39;10.0.0.1&#39;"' }),
    'networking.address',
    'address:',
    'address has to be valid IP address or domain name',
  ],
  // inbound
  ...(['0', '65536'].map((p) => [
    `inbound port ${p}`,
    dp('', { inbound: `  inbound:\n    - port: ${p}\n      tags: {kuma.io/service: web}\n` }),
    'networking.inbound[0].port',
    'port:',
    'port must be in the range [1, 65535]',
  ]) as Case[]),
  [
    'inbound without port',
    dp('', { inbound: '  inbound:\n    - tags: {kuma.io/service: web}\n' }),
    'networking.inbound[0].port',
    '- tags',
    'port must be in the range [1, 65535]',
  ],
  [
    'servicePort above 65535',
    dp('', { inbound: '  inbound:\n    - port: 8080\n      servicePort: 70000\n      tags: {kuma.io/service: web}\n' }),
    'networking.inbound[0].servicePort',
    'servicePort:',
    'port must be in the range [1, 65535]',
  ],
  [
    'serviceAddress not an IP',
    dp('', {
      inbound: '  inbound:\n    - port: 8080\n      serviceAddress: localhost\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceAddress',
    'serviceAddress:',
    'serviceAddress has to be valid IP address',
  ],
  [
    'serviceAddress equal to address without servicePort',
    dp('', {
      inbound: '  inbound:\n    - port: 8080\n      serviceAddress: 192.168.1.10\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceAddress',
    'serviceAddress:',
    'serviceAddress and servicePort has to differ from address and port',
  ],
  [
    'serviceAddress equal to inbound address with servicePort equal to port',
    dp('', {
      inbound:
        '  inbound:\n    - port: 8080\n      address: 10.0.0.7\n      serviceAddress: 10.0.0.7\n      servicePort: 8080\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceAddress',
    'serviceAddress:',
    'serviceAddress and servicePort has to differ from address and port',
  ],
  [
    'inbound address not an IP',
    dp('', { inbound: '  inbound:\n    - port: 8080\n      address: web.local\n      tags: {kuma.io/service: web}\n' }),
    'networking.inbound[0].address',
    'address: web.local',
    'address has to be valid IP address',
  ],
  [
    'tag name with a space',
    dp('', {
      inbound: '  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: web\n        team name: a\n',
    }),
    'networking.inbound[0].tags["team name"]',
    'team name',
    'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores',
  ],
  [
    'tag value with a slash',
    dp('', { inbound: '  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: web/v1\n' }),
    'networking.inbound[0].tags["kuma.io/service"]',
    'kuma.io/service',
    'tag value must consist of alphanumeric characters, dots, dashes and underscores',
  ],
  [
    'empty tag value',
    dp('', {
      inbound: '  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: web\n        version: ""\n',
    }),
    'networking.inbound[0].tags["version"]',
    'version',
    'tag value must be non-empty',
  ],
  [
    'unknown kuma.io/protocol',
    dp('', {
      inbound:
        '  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: web\n        kuma.io/protocol: xml\n',
    }),
    'networking.inbound[0].tags["kuma.io/protocol"]',
    'kuma.io/protocol',
    'tag "kuma.io/protocol" has an invalid value "xml". Allowed values: grpc, http, http2, kafka, mysql, tcp, tls',
  ],
  [
    'unknown 2.14 protocol field',
    dp('', { inbound: '  inbound:\n    - port: 8080\n      protocol: websocket\n' }),
    'networking.inbound[0].protocol',
    'protocol:',
    'protocol has an invalid value "websocket". Allowed values: grpc, http, http2, kafka, mysql, tcp, tls',
  ],
  [
    'zero probe interval',
    dp('', {
      inbound:
        '  inbound:\n    - port: 8080\n      serviceProbe:\n        interval: 0s\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceProbe.interval',
    'interval:',
    'must have a positive value',
  ],
  [
    'zero healthy threshold',
    dp('', {
      inbound:
        '  inbound:\n    - port: 8080\n      serviceProbe:\n        healthyThreshold: 0\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceProbe.healthyThreshold',
    'healthyThreshold:',
    'must have a positive value',
  ],
  [
    'a Go duration instead of a protobuf one',
    dp('', {
      inbound:
        '  inbound:\n    - port: 8080\n      serviceProbe:\n        timeout: 1m\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.inbound[0].serviceProbe.timeout',
    'timeout:',
    'invalid google.protobuf.Duration value "1m"',
  ],
  // admin
  [
    'admin port = inbound port',
    dp('  admin:\n    port: 8080\n'),
    'networking.admin.port',
    '    port: 8080',
    'must differ from inbound',
  ],
  [
    'admin port = servicePort',
    dp('  admin: {port: 9000}\n', {
      inbound: '  inbound:\n    - port: 8080\n      servicePort: 9000\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.admin.port',
    'admin:',
    'must differ from inbound',
  ],
  [
    'admin port = port of an inbound bound to 127.0.0.1',
    dp('  admin: {port: 8080}\n', {
      inbound:
        '  inbound:\n    - port: 8080\n      address: 127.0.0.1\n      serviceAddress: 10.0.0.9\n      servicePort: 9000\n      tags: {kuma.io/service: web}\n',
    }),
    'networking.admin.port',
    'admin:',
    'must differ from inbound',
  ],
  [
    'admin port = outbound port',
    dp('  admin: {port: 6379}\n  outbound:\n    - port: 6379\n      tags: {kuma.io/service: redis}\n'),
    'networking.admin.port',
    'admin:',
    'must differ from outbound',
  ],
];

describe('Kuma Validate() and meta messages', () => {
  it.each(cases)('%s', (_label, text, path, lineNeedle, message) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path, message, line: lineWith(text, lineNeedle), file: 'dp.yaml' });
  });

  it('keeps the base document valid, so each case above has exactly one cause', () => {
    expect(errorsOf(dp())).toEqual([]);
  });
});

describe('things Kuma allows that look close to an error', () => {
  it.each([
    ['a DNS name as address', dp('', { address: 'web-1.internal' })],
    ['an IPv6 address', dp('', { address: '"fd00::10"' })],
    [
      'serviceAddress equal to address with another servicePort',
      dp('', {
        inbound:
          '  inbound:\n    - port: 8080\n      serviceAddress: 192.168.1.10\n      servicePort: 8081\n      tags: {kuma.io/service: web}\n',
      }),
    ],
    [
      'kuma.io/protocol in capitals',
      dp('', { inbound: '  inbound:\n    - port: 8080\n      tags: {kuma.io/service: web, kuma.io/protocol: HTTP}\n' }),
    ],
    [
      'admin port equal to the servicePort of a non-loopback serviceAddress',
      dp('  admin: {port: 9000}\n', {
        inbound:
          '  inbound:\n    - port: 8080\n      serviceAddress: 10.0.0.9\n      servicePort: 9000\n      tags: {kuma.io/service: web}\n',
      }),
    ],
    [
      'admin port equal to an outbound bound to another IP',
      dp('  admin: {port: 6379}\n  outbound:\n    - {port: 6379, address: 10.0.0.9, tags: {kuma.io/service: redis}}\n'),
    ],
    [
      'a MeshExternalService backendRef without port',
      dp('  outbound:\n    - port: 6379\n      backendRef: {kind: MeshExternalService, name: redis}\n'),
    ],
    [
      'a backendRef by labels',
      dp('  outbound:\n    - port: 6379\n      backendRef: {kind: MeshService, labels: {app: redis}, port: 6379}\n'),
    ],
    [
      'servicePort 0 (= port)',
      dp('', { inbound: '  inbound:\n    - port: 8080\n      servicePort: 0\n      tags: {kuma.io/service: web}\n' }),
    ],
    ['a 2.14 protocol field', dp('', { inbound: '  inbound:\n    - port: 8080\n      protocol: grpc\n' })],
  ])('%s', (_label, text) => {
    expect(errorsOf(text)).toEqual([]);
  });
});
