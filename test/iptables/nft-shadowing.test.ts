/**
 * Which native nftables base chains shadow Kuma's nat chains: table-driven over small rulesets written as nft
 * statements in JSON (what `nft -j` prints), plus firewalld's default ruleset as nft 1.0.6 printed it
 * (test/golden/nft/firewalld-default.json, from firewalld-default.nft loaded into a namespace).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNftJson } from '../../src/iptables/nft-json.js';
import { nftRuleText } from '../../src/iptables/nft-rule-text.js';
import { findShadowing, type KumaRedirects, kumaRedirectsOf } from '../../src/iptables/nft-shadowing.js';
import { sampleTarget } from '../support/targets.js';

const KUMA: KumaRedirects = {
  families: ['ipv4', 'ipv6'],
  hooks: new Set(['prerouting', 'output']),
  ports: { tcp: new Set([15001, 15006]), udp: new Set([15053]) },
};

const tcpDport = (right: unknown) => ({
  match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right },
});
const l4 = (right: unknown, op = '==') => ({ match: { op, left: { meta: { key: 'l4proto' } }, right } });

interface Chain {
  name: string;
  hook?: string;
  prio?: number;
  type?: string;
  policy?: string;
  rules?: unknown[][];
}
function ruleset(family: string, table: string, chains: Chain[]): string {
  const items: unknown[] = [{ metainfo: { version: '1.0.6' } }, { table: { family, name: table, handle: 1 } }];
  let handle = 1;
  for (const c of chains) {
    const base = c.hook ? { type: c.type ?? 'nat', hook: c.hook, prio: c.prio ?? 0, policy: c.policy ?? 'accept' } : {};
    items.push({ chain: { family, table, name: c.name, handle: handle++, ...base } });
  }
  for (const c of chains) {
    for (const expr of c.rules ?? []) items.push({ rule: { family, table, chain: c.name, handle: handle++, expr } });
  }
  return JSON.stringify({ nftables: items });
}
const judge = (text: string, kuma = KUMA) => findShadowing(parseNftJson(text), kuma);
const effects = (text: string, kuma = KUMA) => judge(text, kuma).shadowing.map((s) => [s.chain, s.effect, s.rule]);

describe('findShadowing', () => {
  it.each<[string, string, Chain[], unknown[]]>([
    [
      'a nat output chain at -150 redirecting port 80',
      'inet',
      [{ name: 'out', hook: 'output', prio: -150, rules: [[tcpDport(80), { redirect: { port: 9999 } }]] }],
      [['out', 'redirect', 'tcp dport 80 redirect to :9999']],
    ],
    [
      'the same chain at -90 runs after Kuma',
      'inet',
      [{ name: 'out', hook: 'output', prio: -90, rules: [[tcpDport(80), { redirect: { port: 9999 } }]] }],
      [],
    ],
    [
      'the same priority as Kuma: order undefined, so reported',
      'ip',
      [{ name: 'pre', hook: 'prerouting', prio: -100, rules: [[{ dnat: { addr: '10.0.0.9', port: 80 } }]] }],
      [['pre', 'redirect', 'dnat to 10.0.0.9:80']],
    ],
    [
      'a drop before Kuma, reached through a jump',
      'inet',
      [
        { name: 'out', hook: 'output', prio: -200, type: 'filter', rules: [[{ jump: { target: 'sub' } }]] },
        { name: 'sub', rules: [[tcpDport({ set: [22, { range: [443, 445] }] }), { drop: null }]] },
      ],
      [['out', 'drop', 'tcp dport { 22, 443-445 } drop']],
    ],
    [
      'a drop policy before Kuma',
      'inet',
      [{ name: 'out', hook: 'output', prio: -150, type: 'filter', policy: 'drop' }],
      [['out', 'policy-drop', undefined]],
    ],
    [
      'not TCP or UDP, invalid packets, reverse-path checks: cannot touch Kuma traffic',
      'inet',
      [
        {
          name: 'pre',
          hook: 'prerouting',
          prio: -300,
          type: 'filter',
          rules: [
            [l4('icmp'), { drop: null }],
            [l4({ set: ['tcp', 'udp'] }, '!='), { drop: null }],
            [{ match: { op: 'in', left: { ct: { key: 'state' } }, right: 'invalid' } }, { drop: null }],
            [
              { match: { op: '==', left: { fib: { flags: ['saddr', 'iif'], result: 'oif' } }, right: false } },
              { drop: null },
            ],
            [
              { match: { op: '==', left: { payload: { protocol: 'icmpv6', field: 'type' } }, right: 'echo-request' } },
              { drop: null },
            ],
            [tcpDport(80), { accept: null }],
          ],
        },
      ],
      [],
    ],
    [
      'a later filter chain dropping the inbound redirect port',
      'inet',
      [
        {
          name: 'in',
          hook: 'input',
          prio: 0,
          type: 'filter',
          rules: [[tcpDport({ set: [{ range: [15000, 15010] }] }), { reject: null }]],
        },
      ],
      [['in', 'drop-redirect-port', 'tcp dport { 15000-15010 } reject']],
    ],
    [
      'a later filter chain dropping other ports',
      'inet',
      [
        {
          name: 'in',
          hook: 'input',
          prio: 0,
          type: 'filter',
          rules: [[tcpDport(8080), { drop: null }], [{ drop: null }]],
        },
      ],
      [],
    ],
    [
      'the DNS redirect port, UDP only',
      'ip',
      [
        {
          name: 'out',
          hook: 'output',
          prio: 0,
          type: 'filter',
          rules: [
            [
              { match: { op: '==', left: { payload: { protocol: 'udp', field: 'dport' } }, right: 15053 } },
              { drop: null },
            ],
          ],
        },
      ],
      [['out', 'drop-redirect-port', 'udp dport 15053 drop']],
    ],
    [
      "iptables-nft tables are Kuma's own place, not foreign",
      'ip',
      [{ name: 'OUTPUT', hook: 'output', prio: -150, rules: [[{ drop: null }]] }],
      [],
    ],
  ])('%s', (_, family, chains, want) => {
    const table = _.startsWith('iptables-nft') ? 'nat' : 't';
    expect(effects(ruleset(family, table, chains))).toEqual(want);
  });

  it('an ip6 chain cannot shadow an IPv4-only Kuma; it is listed as context', () => {
    const text = ruleset('ip6', 't', [{ name: 'out', hook: 'output', prio: -150, rules: [[{ drop: null }]] }]);
    const report = judge(text, { ...KUMA, families: ['ipv4'] });
    expect(report.shadowing).toEqual([]);
    expect(report.context.map((c) => c.why)).toEqual(['family ip6 carries no traffic Kuma redirects on this host']);
  });

  it('names the table, chain, hook, priority, rule and the chain it is in', () => {
    const text = ruleset('inet', 'kube', [
      { name: 'pre', hook: 'prerouting', prio: -110, rules: [[{ goto: { target: 'svc' } }]] },
      { name: 'svc', rules: [[tcpDport(80), { dnat: { family: 'ip', addr: '10.96.0.10', port: 8080 } }]] },
    ]);
    expect(judge(text).shadowing).toEqual([
      {
        family: 'inet',
        table: 'kube',
        chain: 'pre',
        hook: 'prerouting',
        type: 'nat',
        priority: -110,
        effect: 'redirect',
        rule: 'tcp dport 80 dnat ip to 10.96.0.10:8080',
        handle: 4,
        via: 'svc',
      },
    ]);
  });

  it("firewalld's default ruleset is context only, every base chain of it", () => {
    const report = judge(readFileSync(new URL('../golden/nft/firewalld-default.json', import.meta.url), 'utf8'));
    expect(report.shadowing).toEqual([]);
    expect(report.context.map((c) => `${c.chain} ${c.hook} ${c.priority}`)).toEqual([
      'raw_PREROUTING prerouting -290',
      'mangle_PREROUTING prerouting -140',
      'nat_PREROUTING prerouting -90',
      'nat_OUTPUT output -90',
      'nat_POSTROUTING postrouting 110',
      'filter_INPUT input 10',
      'filter_OUTPUT output 10',
    ]);
  });
});

describe('kumaRedirectsOf', () => {
  it("reads Kuma's hooks and redirect ports off the sample host's rules", async () => {
    const target = await sampleTarget('example-server');
    const kuma = kumaRedirectsOf(target.rules.expected);
    expect(kuma.families).toEqual(['ipv4', 'ipv6']);
    expect([...kuma.hooks].sort()).toEqual(['output', 'prerouting']);
    expect([...kuma.ports.tcp].sort()).toEqual([15001, 15006]);
    expect([...kuma.ports.udp]).toEqual([15053]);
  });
});

describe('nftRuleText', () => {
  it.each<[unknown[], string]>([
    [
      [tcpDport(80), { counter: { packets: 0, bytes: 0 } }, { redirect: { port: 9999 } }],
      'tcp dport 80 counter redirect to :9999',
    ],
    [
      [{ match: { op: '!=', left: { meta: { key: 'oifname' } }, right: 'lo' } }, { drop: null }],
      'meta oifname != lo drop',
    ],
    [[{ reject: { type: 'icmpx', expr: 'admin-prohibited' } }], 'reject with icmpx admin-prohibited'],
    [
      [
        {
          match: {
            op: '==',
            left: { payload: { protocol: 'ip', field: 'daddr' } },
            right: { prefix: { addr: '10.1.0.0', len: 16 } },
          },
        },
        { jump: { target: 'sub' } },
      ],
      'ip daddr 10.1.0.0/16 jump sub',
    ],
    [
      [{ mangle: { key: { meta: { key: 'mark' } }, value: 1 } }],
      '{"mangle":{"key":{"meta":{"key":"mark"}},"value":1}}',
    ],
  ])('%j', (expr, want) => expect(nftRuleText(expr)).toBe(want));
});

describe('parseNftJson', () => {
  it('drops counter values, so two reads of an unchanged ruleset are equal', () => {
    const read = (packets: number) =>
      parseNftJson(
        JSON.stringify({
          nftables: [
            { table: { family: 'inet', name: 't' } },
            { chain: { family: 'inet', table: 't', name: 'c' } },
            {
              rule: {
                family: 'inet',
                table: 't',
                chain: 'c',
                handle: 2,
                expr: [{ counter: { packets, bytes: packets * 60 } }, { accept: null }],
              },
            },
          ],
        }),
      );
    expect(read(1)).toEqual(read(7));
    expect(nftRuleText(read(1).tables[0]!.chains[0]!.rules[0]!.expr)).toBe('counter accept');
  });

  it.each([
    ['not JSON', 'nft: error', /not JSON/],
    ['no nftables array', '{"x":1}', /no "nftables" array/],
  ])('%s: nft.parse-failed naming what is wrong', (_, text, message) => {
    expect(() => parseNftJson(text)).toThrow(message);
    try {
      parseNftJson(text);
    } catch (e) {
      expect((e as { code: string }).code).toBe('nft.parse-failed');
    }
  });
});
