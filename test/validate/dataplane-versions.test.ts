import { describe, expect, it } from 'vitest';
import { dp as dataplane, validate } from './dataplane-helpers.js';

/** REFERENCE §5: what changed in Dataplane validation between 2.9-2.13 and 2.14. */
const summary = (text: string, version: string) =>
  validate(text, version).issues.map((i) => `${i.severity} ${i.line} ${i.path}: ${i.message}`);

/** A Dataplane whose networking is the address and `networkingRest`, with no standard inbound. */
const dp = (networkingRest: string) => dataplane(networkingRest, { inbound: '' });

const NO_INBOUND = dp('  transparentProxying:\n    redirectPortInbound: 15006\n    redirectPortOutbound: 15001\n');
const NO_TAGS = dp('  inbound:\n    - port: 8080\n');
const TAGS_WITHOUT_SERVICE = dp('  inbound:\n    - port: 8080\n      tags:\n        app: web\n');
const PROTOCOL_FIELD = dp('  inbound:\n    - port: 8080\n      protocol: websocket\n');

const OLD = ['2.9', '2.9.19', '2.11.18', '2.13', '2.13.10'];
const NEW = ['2.14.0', '2.14.3', '2.14'];

describe('Dataplane rules by Kuma version', () => {
  it.each(OLD)('%s requires at least one inbound', (v) => {
    expect(summary(NO_INBOUND, v)).toEqual([
      'error 4 networking: has to contain at least one inbound interface or gateway',
    ]);
  });
  it.each(NEW)('%s accepts a Dataplane without inbound', (v) => {
    expect(summary(NO_INBOUND, v)).toEqual([]);
  });

  it.each(OLD)('%s requires kuma.io/service on an inbound without tags', (v) => {
    expect(summary(NO_TAGS, v)).toEqual(['error 7 networking.inbound[0].tags["kuma.io/service"]: tag has to exist']);
  });
  it.each(NEW)('%s accepts an inbound without tags', (v) => {
    expect(summary(NO_TAGS, v)).toEqual([]);
  });

  it.each([...OLD, ...NEW])('%s requires kuma.io/service once an inbound has tags', (v) => {
    expect(summary(TAGS_WITHOUT_SERVICE, v)).toEqual([
      'error 8 networking.inbound[0].tags["kuma.io/service"]: tag has to exist',
    ]);
  });

  it.each(['2.9', '2.13.10'])('%s ignores the inbound protocol field, with a warning', (v) => {
    const [major, minor] = v.split('.');
    expect(summary(PROTOCOL_FIELD, v)).toEqual([
      'error 7 networking.inbound[0].tags["kuma.io/service"]: tag has to exist',
      `warning 8 networking.inbound[0].protocol: kuma-dp ${major}.${minor} ignores unknown field "protocol" (added in Kuma 2.14)`,
    ]);
  });
  it.each(NEW)('%s validates the inbound protocol field', (v) => {
    expect(summary(PROTOCOL_FIELD, v)).toEqual([
      'error 8 networking.inbound[0].protocol: protocol has an invalid value "websocket". Allowed values: grpc, http, http2, kafka, mysql, tcp, tls',
    ]);
  });
});
