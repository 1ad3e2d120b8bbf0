import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/issues.js';
import { lineWith, validate } from './dataplane-helpers.js';

const FILE = 'hosts/web-1.yaml (rendered Dataplane)';
const run = (text: string, version = '2.14.3') => validate(text, version, FILE);
const only = (issues: Issue[], severity: Issue['severity']) => issues.filter((i) => i.severity === severity);

// The transparent-proxy Dataplane of integrate-transparent-proxy-guide.md ("After updating it for transparent
// proxy"), with the docs' redirect-port placeholders at their defaults and rendered like the guide's kuma-dp run.
const GUIDE_TEMPLATE = `type: Dataplane
mesh: default
name: {{ name }}
networking:
  address: {{ address }}
  inbound:
    - port: {{ port }}
      tags:
        kuma.io/service: example-server
  transparentProxying:
    redirectPortInbound: 15006
    redirectPortOutbound: 15001
`;
const GUIDE = GUIDE_TEMPLATE.replace('{{ name }}', 'example-server-dataplane')
  .replace('{{ address }}', '192.168.1.10')
  .replace('{{ port }}', '8080');

describe('validateRenderedDataplane: the guide Dataplane', () => {
  it.each(['2.9', '2.9.19', '2.13', '2.13.10', '2.14.3'])('passes with no issue on Kuma %s', (version) => {
    expect(run(GUIDE, version).issues).toEqual([]);
  });

  it('returns what cross-file checks need, each with its line', () => {
    expect(run(GUIDE).dataplane).toEqual({
      name: { value: 'example-server-dataplane', line: 3 },
      mesh: { value: 'default', line: 2 },
      address: { value: '192.168.1.10', line: 5 },
      inbounds: [{ index: 0, line: 7, port: { value: 8080, line: 7 } }],
      hasOutbound: false,
      transparentProxying: {
        line: 10,
        redirectPortInbound: { value: 15006, line: 11 },
        redirectPortOutbound: { value: 15001, line: 12 },
      },
    });
  });

  it('reports servicePort, outbounds, the admin port and the canonical ipFamilyMode', () => {
    const text = `type: Dataplane
mesh: default
name: web
networking:
  address: 10.0.0.5
  admin:
    port: 9901
  inbound:
    - port: 18080
      servicePort: 8080
      tags: {kuma.io/service: web}
  outbound:
    - port: 6379
      tags: {kuma.io/service: redis}
  transparentProxying:
    redirectPortInbound: "15006"
    ipFamilyMode: IPv4
`;
    const dp = run(text).dataplane!;
    expect(dp.inbounds).toEqual([
      { index: 0, line: 9, port: { value: 18080, line: 9 }, servicePort: { value: 8080, line: 10 } },
    ]);
    expect(dp.hasOutbound).toBe(true);
    expect(dp.outboundLine).toBe(12);
    expect(dp.adminPort).toEqual({ value: 9901, line: 7 });
    expect(dp.transparentProxying).toEqual({
      line: 15,
      redirectPortInbound: { value: 15006, line: 16 },
      ipFamilyMode: { value: 'IPv4', line: 17 },
    });
  });

  it('still returns the Dataplane when it has errors, so cross-file checks can run', () => {
    const res = run(GUIDE.replace('port: 8080', 'port: 0'));
    expect(only(res.issues, 'error').map((i) => i.code)).toEqual(['dataplane.inbound.port']);
    expect(res.dataplane?.inbounds[0]?.port).toEqual({ value: 0, line: 7 });
  });

  it('puts the caller file on every issue and sorts issues by line', () => {
    const res = run(GUIDE.replace('mesh: default', 'mesh: Default').replace('port: 8080', 'port: 0'));
    expect(res.issues.map((i) => [i.file, i.line])).toEqual([
      [FILE, 2],
      [FILE, 7],
    ]);
  });
});

describe('validateRenderedDataplane: documents that are not a Dataplane', () => {
  it.each([
    [
      'mustache error text',
      'line 3: unmatched open tag',
      'dataplane.template.mustache-error',
      1,
      /^not a Dataplane: .*"line 3: unmatched open tag".*invalid resource type ""/,
    ],
    [
      'a plain string',
      'example-server-dataplane',
      'dataplane.meta.not-a-mapping',
      1,
      /^invalid meta type: json: cannot unmarshal string into Go value of type v1alpha1.ResourceMeta$/,
    ],
    [
      'a list',
      '- type: Dataplane',
      'dataplane.meta.not-a-mapping',
      1,
      /^invalid meta type: json: cannot unmarshal array into Go value of type v1alpha1.ResourceMeta$/,
    ],
    ['an empty document', '', 'dataplane.meta.type', 1, /^invalid resource type ""$/],
    ['a missing type', 'name: web\nmesh: default\n', 'dataplane.meta.type', 1, /^invalid resource type ""$/],
    [
      'a wrong-case type',
      'name: web\ntype: dataplane\n',
      'dataplane.meta.type',
      2,
      /^invalid resource type "dataplane"$/,
    ],
    [
      'a ZoneIngress',
      'type: ZoneIngress\nname: zi\n',
      'dataplane.meta.type',
      1,
      /^type must be Dataplane, not ZoneIngress$/,
    ],
    ['a YAML syntax error', 'type: Dataplane\nname: a: b\n', 'dataplane.yaml.syntax', 2, /^yaml: /],
  ])('%s', (_label, text, code, line, message) => {
    const res = run(text);
    expect(res.dataplane).toBeUndefined();
    expect(res.issues).toHaveLength(1);
    expect(res.issues[0]).toMatchObject({ severity: 'error', code, line, file: FILE });
    expect(res.issues[0]!.message).toMatch(message);
  });

  it('recognises a Kubernetes manifest and says how Universal differs', () => {
    const res = run('apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nmetadata: {name: web}\nspec: {}\n');
    expect(res.issues).toHaveLength(1);
    expect(res.issues[0]!.hint).toMatch(/Kubernetes manifest/);
  });
});

describe('validateRenderedDataplane: YAML as kuma-dp reads it (YAML 1.1, then JSON)', () => {
  it.each([
    ['a quoted port (protobuf-JSON takes numbers as strings)', 'port: 8080', 'port: "8080"'],
    ['a hex port (YAML 1.1 int)', 'port: 8080', 'port: 0x1F90'],
    ['JSON syntax', 'kuma.io/service: example-server', '"kuma.io/service": "example-server"'],
    ['snake_case proto names', 'redirectPortInbound', 'redirect_port_inbound'],
  ])('accepts %s', (_label, from, to) => {
    expect(run(GUIDE.replace(from, to)).issues).toEqual([]);
  });

  it.each([
    ['a YAML 1.1 boolean tag value', 'kuma.io/service: example-server', 'kuma.io/service: on', 9, 'true'],
    ['a float tag value', 'kuma.io/service: example-server', 'kuma.io/service: 1.10', 9, '1.1'],
    ['a word as port', 'port: 8080', 'port: http', 7, '"http"'],
  ])('rejects %s with the protobuf-JSON error and nothing else', (_label, from, to, line, shown) => {
    const kind = from.startsWith('port') ? 'uint32' : 'string';
    for (const version of ['2.13', '2.14']) {
      expect(only(run(GUIDE.replace(from, to), version).issues, 'error')).toEqual([
        expect.objectContaining({
          code: 'dataplane.spec.type',
          line,
          message: `invalid value for ${kind} type: ${shown}`,
        }),
      ]);
    }
  });

  it('applies << merge keys and aliases', () => {
    const text = `tags: &tags
  kuma.io/service: example-server
type: Dataplane
mesh: default
name: web
networking:
  address: 192.168.1.10
  inbound:
    - port: 8080
      tags:
        <<: *tags
        version: v1
`;
    expect(only(run(text, '2.13').issues, 'error')).toEqual([]);
  });

  it('lets a key written after a << merge override the merged one, without a duplicate warning', () => {
    const text = `base: &base
  kuma.io/service: not valid!
  version: v1
${GUIDE.replace('        kuma.io/service: example-server', '        <<: *base\n        kuma.io/service: example-server')}`;
    // Only the anchor holder is reported: kuma-dp drops the unknown top-level key.
    expect(run(text, '2.13').issues.map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual([
      'warning dataplane.spec.unknown-field base',
    ]);
  });

  it('warns on a duplicate key and uses the last value, as go-yaml v2 does', () => {
    const text = GUIDE.replace('  address: 192.168.1.10\n', '  address: 0.0.0.0\n  address: 192.168.1.10\n');
    const res = run(text);
    expect(res.issues).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'dataplane.yaml.duplicate-key', line: 6 }),
    ]);
    expect(res.dataplane?.address?.value).toBe('192.168.1.10');
  });

  it('warns that documents after the first are ignored', () => {
    const res = run(`${GUIDE}---\ntype: Dataplane\n`);
    expect(res.issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'dataplane.yaml.multiple-documents',
        line: lineWith(`${GUIDE}---\n`, '---'),
      }),
    ]);
  });

  it('reads meta keys case-insensitively, as encoding/json does', () => {
    expect(run(GUIDE.replace('name: example', 'Name: example')).issues).toEqual([]);
  });

  it('lets the byte-wise last meta key win when two spellings are written (JSON keys come sorted from a Go map)', () => {
    const res = run(GUIDE.replace('name: example-server-dataplane', 'name: example-server-dataplane\nName: Bad_Name'));
    expect(res.issues).toEqual([]);
    expect(res.dataplane?.name).toEqual({ value: 'example-server-dataplane', line: 3 });
  });
});
