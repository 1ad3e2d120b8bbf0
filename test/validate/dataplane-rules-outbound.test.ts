import { describe, expect, it } from 'vitest';
import { DNS1123_SUBDOMAIN_MESSAGE } from '../../src/validate/kuma-names.js';
import { dp, errorsOf, HEAD, INBOUND, lineWith } from './dataplane-helpers.js';

/** Kuma's Validate() messages for outbounds, reachableBackends and gateways (REFERENCE §5). */

type Case = [label: string, text: string, path: string, lineNeedle: string, message: string];

const cases: Case[] = [
  // outbound
  [
    'outbound port 0',
    dp('  outbound:\n    - port: 0\n      tags: {kuma.io/service: redis}\n'),
    'networking.outbound[0].port',
    'port: 0',
    'port must be in the range [1, 65535]',
  ],
  [
    'outbound address not an IP',
    dp('  outbound:\n    - port: 6379\n      address: redis.local\n      tags: {kuma.io/service: redis}\n'),
    'networking.outbound[0].address',
    'redis.local',
    'address has to be valid IP address',
  ],
  [
    'outbound tags without kuma.io/service',
    dp('  outbound:\n    - port: 6379\n      tags: {app: redis}\n'),
    'networking.outbound[0].tags["kuma.io/service"]',
    'tags: {app',
    'tag has to exist',
  ],
  [
    'outbound with neither tags nor backendRef',
    dp('  outbound:\n    - port: 6379\n'),
    'networking.outbound[0].tags["kuma.io/service"]',
    '- port: 6379',
    'tag has to exist',
  ],
  [
    'outbound with both backendRef and tags',
    dp(
      '  outbound:\n    - port: 6379\n      backendRef: {kind: MeshService, name: redis, port: 6379}\n      tags: {kuma.io/service: redis}\n',
    ),
    'networking.outbound[0].tags',
    'tags: {kuma.io/service: redis}',
    'tags cannot be defined together with backendRef',
  ],
  [
    'backendRef kind',
    dp(
      '  outbound:\n    - port: 6379\n      backendRef:\n        kind: Service\n        name: redis\n        port: 6379\n',
    ),
    'networking.outbound[0].backendRef.kind',
    'kind: Service',
    'invalid value "Service". Allowed values: MeshService, MeshExternalService, MeshMultiZoneService',
  ],
  [
    'backendRef without name or labels',
    dp('  outbound:\n    - port: 6379\n      backendRef:\n        kind: MeshService\n        port: 6379\n'),
    'networking.outbound[0].backendRef',
    'backendRef:',
    'either name or labels has to be defined',
  ],
  [
    'backendRef to a MeshService without port',
    dp('  outbound:\n    - port: 6379\n      backendRef:\n        kind: MeshService\n        name: redis\n'),
    'networking.outbound[0].backendRef.port',
    'backendRef:',
    'port must be in the range [1, 65535]',
  ],
  // reachableBackends
  ...(
    [
      [
        'kind: Service, name: redis',
        'refs[0].kind',
        'invalid value "Service". Allowed values: MeshService, MeshExternalService, MeshMultiZoneService',
      ],
      ['kind: MeshService, name: Redis_DB', 'refs[0].name', DNS1123_SUBDOMAIN_MESSAGE],
      ['kind: MeshService', 'refs[0]', 'name or labels has to be defined'],
      [
        'kind: MeshService, name: redis, labels: {app: redis}',
        'refs[0].labels',
        'labels cannot be defined together with name or namespace',
      ],
    ] as const
  ).map(
    ([ref, path, message]): Case => [
      `reachableBackends ${ref}`,
      dp(`  transparentProxying:\n    reachableBackends:\n      refs:\n        - {${ref}}\n`),
      `networking.transparentProxying.reachableBackends.${path}`,
      `- {${ref}}`,
      message,
    ],
  ),
];

describe('outbound and reachableBackends messages', () => {
  it.each(cases)('%s', (_label, text, path, lineNeedle, message) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path, message, line: lineWith(text, lineNeedle), file: 'dp.yaml' });
  });

  it('reports a reachableBackends namespace without name, and labels next to it', () => {
    const text = dp(
      '  transparentProxying:\n    reachableBackends:\n      refs:\n        - {kind: MeshService, namespace: db, labels: {app: redis}}\n',
    );
    const line = lineWith(text, 'namespace: db');
    expect(errorsOf(text).map((i) => [i.path, i.message, i.line])).toEqual([
      [
        'networking.transparentProxying.reachableBackends.refs[0].namespace',
        'namespace can only be defined together with name',
        line,
      ],
      [
        'networking.transparentProxying.reachableBackends.refs[0].labels',
        'labels cannot be defined together with name or namespace',
        line,
      ],
    ]);
  });
});

describe('gateways', () => {
  const gw = (type: string, rest = '') =>
    `${HEAD}networking:\n  address: 192.168.1.10\n  gateway:\n    type: ${type}\n    tags: {kuma.io/service: edge}\n${rest}`;
  it.each([
    ['delegated gateway without inbound', gw('DELEGATED'), []],
    ['builtin gateway', gw('BUILTIN'), []],
    [
      'delegated gateway with inbound',
      gw('DELEGATED', INBOUND),
      ['networking.inbound: inbound cannot be defined for delegated gateways'],
    ],
    [
      'builtin gateway with outbound and transparentProxying',
      gw(
        'BUILTIN',
        '  outbound:\n    - {port: 1, tags: {kuma.io/service: x}}\n  transparentProxying: {redirectPortInbound: 15006}\n',
      ),
      [
        'networking.outbound: outbound cannot be defined for builtin gateways',
        'networking.transparentProxying: transparentProxying cannot be defined for builtin gateways',
      ],
    ],
    [
      'gateway without kuma.io/service',
      gw('DELEGATED').replace('kuma.io/service: edge', 'app: edge'),
      ['networking.gateway.tags["kuma.io/service"]: tag has to exist'],
    ],
  ])('%s', (_label, text, want) => {
    for (const version of ['2.9', '2.14']) {
      expect(errorsOf(text, version).map((i) => `${i.path}: ${i.message}`)).toEqual(want);
    }
  });
});
