import { beforeAll, describe, expect, it } from 'vitest';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseNftJson } from '../../src/iptables/nft-json.js';
import type { HostTarget } from '../../src/model/host-target.js';
import type { LiveState } from '../../src/model/live-state.js';
import type { SavedRuleSet } from '../../src/model/ruleset.js';
import { classifyDrift } from '../../src/reconcile/classify-drift.js';
import { editIpv4Save, liveInSync, sampleTarget } from '../support/targets.js';

let target: HostTarget;
beforeAll(async () => {
  target = await sampleTarget('example-server');
});

const editIpv4 = editIpv4Save;

describe('classifyDrift', () => {
  it('a host in sync has no drift', () => {
    expect(classifyDrift(target, liveInSync(target))).toEqual([]);
  });

  it('a native nftables chain before Kuma is shadowed (one finding, counting the rest); one after is not', () => {
    const chain = (name: string, prio: number) => [
      {
        chain: { family: 'inet', table: 'fw', name, handle: prio, type: 'nat', hook: 'output', prio, policy: 'accept' },
      },
      {
        rule: {
          family: 'inet',
          table: 'fw',
          chain: name,
          handle: 100 - prio,
          expr: [
            { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 80 } },
            { drop: null },
          ],
        },
      },
    ];
    const withNft = (...chains: unknown[][]) => ({
      ...liveInSync(target),
      nft: {
        ruleset: parseNftJson(
          JSON.stringify({ nftables: [{ table: { family: 'inet', name: 'fw' } }, ...chains.flat()] }),
        ),
      },
    });
    expect(classifyDrift(target, withNft(chain('a', -150), chain('b', -120), chain('c', -90)))).toEqual([
      {
        class: 'shadowed',
        detail:
          "table inet fw chain a (type nat hook output priority -150) drops or rejects TCP or UDP traffic before Kuma's nat chains see it: tcp dport 80 drop (handle 250) and 1 more",
      },
    ]);
    expect(classifyDrift(target, withNft(chain('c', -90)))).toEqual([]);
    expect(classifyDrift(target, { ...liveInSync(target), nft: { unavailable: 'nft is not installed' } })).toEqual([]);
  });

  it('foreign rules are never drift', () => {
    const live = editIpv4(liveInSync(target), (s) =>
      s
        .replace('\n:KUMA_MESH_INBOUND -', '\n:DOCKER - [0:0]\n:KUMA_MESH_INBOUND -')
        .replace('\n-A KUMA_MESH_INBOUND ', '\n-A DOCKER -j RETURN\n-A OUTPUT -p tcp -j DOCKER\n-A KUMA_MESH_INBOUND '),
    );
    expect(formatSave(live.rules.families.ipv4 as SavedRuleSet)).toContain('-A DOCKER -j RETURN');
    expect(classifyDrift(target, live)).toEqual([]);
  });

  it('a foreign rule before a jump kumactl inserts is jump-displaced; before an appended one it is not', () => {
    const foreignFirst = (l: LiveState) =>
      editIpv4(l, (s) => s.replace(/(\n-A PREROUTING [^\n]*KUMA_MESH_INBOUND)/, '\n-A PREROUTING -p tcp -j RETURN$1'));
    // The sample appends its jumps; the same target with its rules inserted, as kumactl's insert mode does.
    const inserted: HostTarget = structuredClone(target);
    for (const set of Object.values(inserted.rules.expected))
      for (const table of set!.tables)
        for (const rule of table.rules) (rule as { placement: string }).placement = 'insert';
    expect(classifyDrift(inserted, foreignFirst(liveInSync(inserted))).map((f) => f.class)).toEqual(['jump-displaced']);
    expect(classifyDrift(target, foreignFirst(liveInSync(target)))).toEqual([]);
  });

  it.each([
    [
      "the jumps into Kuma's chains deleted",
      (l: LiveState) =>
        editIpv4(l, (s) =>
          s
            .split('\n')
            .filter((line) => !/^-A (PREROUTING|OUTPUT) .*KUMA_MESH/.test(line))
            .join('\n'),
        ),
      ['rules-missing'],
    ],
    [
      'iptables -t nat -F: every rule of the nat table gone, the chains left',
      (l: LiveState) =>
        editIpv4(l, (s) => {
          const [before, nat] = s.split('*nat\n');
          return `${before}*nat\n${nat!
            .split('\n')
            .filter((line) => !line.startsWith('-A '))
            .join('\n')}`;
        }),
      ['rules-missing', 'rules-changed'],
    ],
    [
      'one Kuma chain flushed (iptables -t nat -F KUMA_MESH_INBOUND)',
      (l: LiveState) =>
        editIpv4(l, (s) =>
          s
            .split('\n')
            .filter((line) => !line.startsWith('-A KUMA_MESH_INBOUND '))
            .join('\n'),
        ),
      // Its jump into KUMA_MESH_INBOUND_REDIRECT went with it.
      ['rules-missing', 'rules-changed'],
    ],
    [
      'a Kuma rule edited',
      (l: LiveState) => editIpv4(l, (s) => s.replace(/--to-ports 15006/, '--to-ports 15999')),
      ['rules-changed'],
    ],
    ['kuma-dp not running', (l: LiveState) => ({ ...l, kumaDp: undefined }), ['kuma-dp-down']],
    ['kuma-dp not ready', (l: LiveState) => ({ ...l, kumaDp: { ...l.kumaDp!, ready: false } }), ['kuma-dp-unready']],
    [
      'kuma-dp with other flags',
      (l: LiveState) => ({ ...l, kumaDp: { ...l.kumaDp!, argv: [...l.kumaDp!.argv, '--log-level=debug'] } }),
      ['kuma-dp-args'],
    ],
    [
      'kuma-dp with a KUMA_ variable of its own',
      (l: LiveState) => ({ ...l, kumaDp: { ...l.kumaDp!, env: { ...l.kumaDp!.env, KUMA_DEBUG: '1' } } }),
      ['kuma-dp-args'],
    ],
    [
      'a file edited',
      (l: LiveState) => ({
        ...l,
        files: Object.fromEntries(
          Object.entries(l.files).map(([p, f]) => [p, { ...f!, content: `${f!.content}# x\n` }]),
        ),
      }),
      ['file-changed'],
    ],
    [
      'a file chmod-ed',
      (l: LiveState) => ({
        ...l,
        files: Object.fromEntries(Object.entries(l.files).map(([p, f]) => [p, { ...f!, mode: 0o666 }])),
      }),
      ['file-changed'],
    ],
    [
      'the kuma-dp user gone',
      (l: LiveState) => ({ ...l, facts: { ...l.facts, users: { root: 0 } } }),
      ['user-changed'],
    ],
    [
      'the kuma-dp user with another uid',
      (l: LiveState) => ({ ...l, facts: { ...l.facts, users: { ...l.facts.users, [target.kumaDpUser.name]: 7777 } } }),
      ['user-changed'],
    ],
    [
      'the token file gone',
      (l: LiveState) => ({
        ...l,
        access: l.access.map((a) => (a.purpose === 'dataplane token file' ? { ...a, state: 'missing' as const } : a)),
      }),
      ['token-problem'],
    ],
  ])('%s', (_name, edit, classes) => {
    const found = classifyDrift(target, edit(liveInSync(target)));
    expect(found.map((f) => f.class).filter((c, i, all) => all.indexOf(c) === i)).toEqual(classes);
    for (const f of found) expect(f.detail).not.toBe('');
  });
});
