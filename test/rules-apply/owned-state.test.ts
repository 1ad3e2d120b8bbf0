/**
 * What counts as ours in a live ruleset, and where it sits among foreign rules. Pure.
 */
import { describe, expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import { extractOwned, ownedAsExpected, sameOwnedRules, withoutComment } from '../../src/rules-apply/owned-state.js';
import { everyTable, expectedRules, withoutComments } from './fixtures.js';

const C = '"kuma/mesh/transparent/proxy/x"';
const live = parseSave(`*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [3:4]
:DOCKER - [0:0]
:DOCKER_OUTPUT - [0:0]
:KUMA_MESH_OUTBOUND - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A PREROUTING -p tcp -j KUMA_MESH_INBOUND_OLD
-A OUTPUT -p udp -m comment --comment ${C} -m udp --dport 53 -j DOCKER_OUTPUT
-A OUTPUT -p tcp -m tcp --dport 7 -j ACCEPT
-A OUTPUT -p tcp -m comment --comment ${C} -j KUMA_MESH_OUTBOUND
-A OUTPUT -p tcp -m tcp --dport 9 -j ACCEPT
-A DOCKER -i docker0 -j RETURN
-A DOCKER_OUTPUT -p udp -m comment --comment ${C} -j RETURN
-A KUMA_MESH_OUTBOUND -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -j ACCEPT
COMMIT
`);

describe('the Kuma-owned part of a live ruleset', () => {
  it('takes our chains, commented rules and comment-less jumps into KUMA_MESH_*, with foreign rules counted', () => {
    const owned = extractOwned(live);
    expect(owned.tables.map((t) => t.name)).toEqual(['nat']);
    const nat = owned.tables[0]!;
    expect(nat.chains.map((c) => [c.name, c.rules.map((r) => r.text)])).toEqual([
      ['KUMA_MESH_OUTBOUND', ['-A KUMA_MESH_OUTBOUND -j RETURN']],
    ]);
    expect(
      nat.hostChains.map((c) => [c.name, c.foreignCount, c.rules.map((r) => [r.foreignBefore, r.rule.args.at(-1)])]),
    ).toEqual([
      ['PREROUTING', 1, [[1, 'KUMA_MESH_INBOUND_OLD']]],
      [
        'OUTPUT',
        2,
        [
          [0, 'DOCKER_OUTPUT'],
          [1, 'KUMA_MESH_OUTBOUND'],
        ],
      ],
      // A commented rule in another tool's chain is ours to remove, never to put back.
      ['DOCKER_OUTPUT', 0, [[0, 'RETURN']]],
    ]);
  });

  it('leaves a comment-less jump into our chains in another tool’s chain to that tool, and records it', () => {
    const owned = extractOwned(
      parseSave(`*nat
:OUTPUT ACCEPT [0:0]
:MYTOOL - [0:0]
:KUMA_MESH_OUTBOUND - [0:0]
-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND
-A MYTOOL -p tcp -m tcp --dport 8 -j ACCEPT
-A MYTOOL -p tcp -j KUMA_MESH_OUTBOUND
-A KUMA_MESH_OUTBOUND -j RETURN
COMMIT
`),
    );
    const nat = owned.tables[0]!;
    expect(nat.hostChains.map((c) => c.name)).toEqual(['OUTPUT']);
    expect(nat.foreignJumps.map((j) => [j.rule.text, j.target])).toEqual([
      ['-A MYTOOL -p tcp -j KUMA_MESH_OUTBOUND', 'KUMA_MESH_OUTBOUND'],
    ]);
  });

  it('honours another chain prefix (redirect.namePrefix): then only commented rules are ours here', () => {
    const nat = extractOwned(live, { namePrefix: 'OTHER' }).tables[0]!;
    expect(nat.chains).toEqual([]);
    expect(nat.hostChains.flatMap((c) => c.rules.map((r) => r.rule.chain))).toEqual([
      'OUTPUT',
      'OUTPUT',
      'DOCKER_OUTPUT',
    ]);
  });

  it('recognises comment-less rules only when asked, and only without a comment', () => {
    const old = expectedRules('ipv4', (c) => {
      everyTable(c);
      withoutComments(c);
    });
    const dnsOnly = { tables: old.tables.map((t) => ({ ...t, chains: t.chains.filter((c) => c.policy !== '-') })) };
    const rules = (set: typeof old) => extractOwned(set).tables.flatMap((t) => t.hostChains.flatMap((c) => c.rules));
    // Without help only the jumps into our chains are ours; raw, mangle and DNS rules look foreign.
    expect(rules(dnsOnly).map((r) => r.rule.args.at(-1))).toEqual(['KUMA_MESH_INBOUND', 'KUMA_MESH_OUTBOUND']);
    const all = extractOwned(dnsOnly, { recognize: [expectedRules('ipv4', everyTable)] });
    expect(all.tables.flatMap((t) => t.hostChains.flatMap((c) => c.rules))).toHaveLength(
      old.tables.flatMap((t) => t.rules.filter((r) => !r.chain.startsWith('KUMA_MESH'))).length,
    );
  });

  it('strips the comment match, wherever it is', () => {
    expect(withoutComment({ args: ['-p', 'tcp', '-m', 'comment', '--comment', 'x', '-j', 'RETURN'] })).toEqual({
      args: ['-p', 'tcp', '-j', 'RETURN'],
    });
  });
});

describe('owned state as a target to return to', () => {
  it('rules above every foreign rule go back on top, the others are appended; other tools chains are left out', () => {
    const target = ownedAsExpected(extractOwned(live));
    const nat = target.tables[0]!;
    expect(nat.chains).toEqual([
      { name: 'PREROUTING', policy: 'ACCEPT' },
      { name: 'OUTPUT', policy: 'ACCEPT' },
      { name: 'KUMA_MESH_OUTBOUND', policy: '-' },
    ]);
    expect(nat.rules.map((r) => [r.chain, r.placement])).toEqual([
      ['PREROUTING', 'append'],
      ['OUTPUT', 'insert'],
      ['OUTPUT', 'append'],
      ['KUMA_MESH_OUTBOUND', 'append'],
    ]);
  });

  it('compares our rules only, not where foreign rules sit', () => {
    expect(sameOwnedRules(extractOwned(live), extractOwned(live))).toBe(true);
    const reordered = { tables: live.tables.map((t) => ({ ...t, rules: [...t.rules].reverse() })) };
    expect(sameOwnedRules(extractOwned(live), extractOwned(reordered))).toBe(false);
    const fewerForeign = {
      tables: live.tables.map((t) => ({ ...t, rules: t.rules.filter((r) => !/dport [79] /.test(r.text)) })),
    };
    expect(sameOwnedRules(extractOwned(live), extractOwned(fewerForeign))).toBe(true);
  });
});
