/**
 * Transition payloads, pure: exact text for the small cases, and for every pair of targets (golden-derived and
 * generated, comment-less included) a model of `iptables-restore --noflush` shows the payload reaches the target,
 * leaves foreign rules in place, and that nothing is left to do afterwards.
 */
import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import type { ExpectedRuleSet, SavedRuleSet } from '../../src/model/ruleset.js';
import type { RulesError } from '../../src/rules-apply/errors.js';
import { EMPTY_OWNED, extractOwned } from '../../src/rules-apply/owned-state.js';
import { buildTransition, EMPTY_TARGET, foreignReferences } from '../../src/rules-apply/transition-payload.js';
import {
  everyTable,
  everyTableMoreExclusions,
  expectedRules,
  FOREIGN_AFTER,
  foreignBefore,
  withoutComments,
} from './fixtures.js';
import { goldenLives, goldenModel } from './golden-models.js';
import { simulateRestore } from './restore-model.js';
import { foreignView } from './save-view.js';

const C = 'kuma/mesh/transparent/proxy';
const excluding22 = (c: Parameters<typeof everyTable>[0]) => {
  c.redirect.inbound.excludePorts = [22];
};
const installed = (to: ExpectedRuleSet): SavedRuleSet =>
  simulateRestore({ tables: [] }, buildTransition(EMPTY_OWNED, to));

describe('transition payloads, exact text', () => {
  it('from == to gives the empty string, for every v2.14 golden (108: all images, nft and legacy)', () => {
    const lives = goldenLives();
    expect(lives.length).toBe(108);
    for (const [id, scenario, family, live] of lives) {
      expect([id, buildTransition(extractOwned(live), goldenModel(scenario, family))]).toEqual([id, '']);
    }
  });

  it('refills a chain another tool jumps to without touching that rule, and refuses to remove it', () => {
    const live = parseSave(`*nat
:OUTPUT ACCEPT [0:0]
:MYTOOL - [0:0]
:KUMA_MESH_OUTBOUND - [0:0]
-A OUTPUT -p tcp -m comment --comment "${C}/x" -j KUMA_MESH_OUTBOUND
-A MYTOOL -p tcp -j KUMA_MESH_OUTBOUND
-A KUMA_MESH_OUTBOUND -j RETURN
COMMIT
`);
    const from = extractOwned(live);
    const refill: ExpectedRuleSet = {
      tables: [
        {
          name: 'nat',
          chains: [
            { name: 'OUTPUT', policy: 'ACCEPT' },
            { name: 'KUMA_MESH_OUTBOUND', policy: '-' },
          ],
          rules: [
            { ...live.tables[0]!.rules[0]!, placement: 'append' },
            { ...live.tables[0]!.rules[2]!, args: ['-p', 'udp', '-j', 'RETURN'], placement: 'append' },
          ],
        },
      ],
    };
    const payload = buildTransition(from, refill);
    expect(payload).toContain(':KUMA_MESH_OUTBOUND - [0:0]\n-A KUMA_MESH_OUTBOUND -p udp -j RETURN');
    expect(payload).not.toContain('MYTOOL');
    expect(foreignReferences(from, refill)).toEqual([]);

    const refusal = (() => {
      try {
        buildTransition(from, undefined);
      } catch (e) {
        return e as RulesError;
      }
    })();
    expect(refusal?.code).toBe('rules.foreign-reference');
    expect(refusal?.message).toContain('"-A MYTOOL -p tcp -j KUMA_MESH_OUTBOUND" jumps to it');
    expect(foreignReferences(from, undefined)).toEqual([refusal?.message]);
  });

  it('nothing to nothing is the empty string', () => {
    expect(buildTransition(EMPTY_OWNED, undefined)).toBe('');
    expect(buildTransition(EMPTY_OWNED, EMPTY_TARGET)).toBe('');
  });

  it('empty -> default (golden model): chains declared, then their rules, then the jumps appended', () => {
    const payload = buildTransition(EMPTY_OWNED, goldenModel('default', 'ipv4'));
    const shape = payload.split('\n').map((l) => l.replace(/^(\S+ \S+).*/, '$1'));
    expect(shape).toEqual([
      '*nat',
      ':KUMA_MESH_INBOUND -',
      ':KUMA_MESH_INBOUND_REDIRECT -',
      ':KUMA_MESH_OUTBOUND -',
      ':KUMA_MESH_OUTBOUND_REDIRECT -',
      '-A KUMA_MESH_INBOUND',
      '-A KUMA_MESH_INBOUND_REDIRECT',
      ...Array(6).fill('-A KUMA_MESH_OUTBOUND'),
      '-A KUMA_MESH_OUTBOUND_REDIRECT',
      '-A PREROUTING',
      '-A OUTPUT',
      'COMMIT',
      '',
    ]);
  });

  it('default -> with an inbound exclusion: only KUMA_MESH_INBOUND is flushed and refilled', () => {
    const from = extractOwned(installed(expectedRules('ipv4')));
    expect(buildTransition(from, expectedRules('ipv4', excluding22))).toBe(
      [
        '*nat',
        ':KUMA_MESH_INBOUND - [0:0]',
        `-A KUMA_MESH_INBOUND -p tcp -m comment --comment "${C}/exclude inbound traffic from port 22 from redirection" -m tcp --dport 22 -j RETURN`,
        `-A KUMA_MESH_INBOUND -p tcp -m comment --comment "${C}/redirect all inbound traffic to the custom chain for processing" -j KUMA_MESH_INBOUND_REDIRECT`,
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('default -> empty: jumps deleted by spec, then chains flushed and deleted', () => {
    const from = extractOwned(installed(expectedRules('ipv6')));
    expect(buildTransition(from, undefined)).toBe(
      [
        '*nat',
        `-D PREROUTING -p tcp -m comment --comment "${C}/redirect inbound TCP traffic to our custom chain for processing" -j KUMA_MESH_INBOUND`,
        `-D OUTPUT -p tcp -m comment --comment "${C}/redirect outbound TCP traffic to our custom chain for processing" -j KUMA_MESH_OUTBOUND`,
        '-F KUMA_MESH_INBOUND',
        '-F KUMA_MESH_INBOUND_REDIRECT',
        '-F KUMA_MESH_OUTBOUND',
        '-F KUMA_MESH_OUTBOUND_REDIRECT',
        '-X KUMA_MESH_INBOUND',
        '-X KUMA_MESH_INBOUND_REDIRECT',
        '-X KUMA_MESH_OUTBOUND',
        '-X KUMA_MESH_OUTBOUND_REDIRECT',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('-I rules go to positions 1..k in order, -A rules are appended, only changed tables appear', () => {
    const payload = buildTransition(extractOwned(installed(expectedRules('ipv4'))), expectedRules('ipv4', everyTable));
    expect(payload.match(/^\*\w+$/gm)).toEqual(['*raw', '*nat', '*mangle']);
    const natOutput = payload
      .slice(payload.indexOf('*nat'), payload.indexOf('*mangle'))
      .split('\n')
      .filter((l) => / OUTPUT /.test(l));
    expect(natOutput.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      '-D OUTPUT -p',
      '-I OUTPUT 1',
      '-I OUTPUT 2',
      '-A OUTPUT -p',
      '-A OUTPUT -p',
    ]);
  });

  it('an owned rule installed twice is deleted twice', () => {
    const once = installed(expectedRules('ipv4'));
    const nat = once.tables.find((t) => t.name === 'nat')!;
    const jump = nat.rules.find((r) => r.chain === 'OUTPUT')!;
    const twice = { tables: [{ ...nat, rules: [...nat.rules, jump] }] };
    const payload = buildTransition(extractOwned(twice), undefined);
    expect(payload.split('\n').filter((l) => l.startsWith('-D OUTPUT'))).toHaveLength(2);
  });

  it('a target chain without the Kuma prefix is refused: it could never be found again', () => {
    const odd: ExpectedRuleSet = { tables: [{ name: 'nat', chains: [{ name: 'MINE', policy: '-' }], rules: [] }] };
    expect(() => buildTransition(EMPTY_OWNED, odd)).toThrow(expect.objectContaining({ code: 'rules.invalid-target' }));
  });
});

const TARGETS: Array<[string, (f: Family) => ExpectedRuleSet]> = [
  ['nothing', () => EMPTY_TARGET],
  ['default', (f) => expectedRules(f)],
  ['default without comments', (f) => expectedRules(f, withoutComments)],
  ['default, port 22 excluded', (f) => expectedRules(f, excluding22)],
  ['every table', (f) => expectedRules(f, everyTable)],
  ['every table, more exclusions', (f) => expectedRules(f, everyTableMoreExclusions)],
  ['golden with-multiple-flags', (f) => goldenModel('with-multiple-flags', f)],
];
const PAIRS = (['ipv4', 'ipv6'] as const).flatMap((family) =>
  TARGETS.flatMap(([a, from]) => TARGETS.map(([b, to]) => [family, a, b, from(family), to(family)] as const)),
);

describe('every transition among foreign rules, through a model of iptables-restore', () => {
  it.each(PAIRS)('%s: %s -> %s', (family, _a, _b, from, to) => {
    // Foreign rules before our install and after it (some inserted above ours).
    const host = simulateRestore(parseSave(foreignBefore(family)), buildTransition(EMPTY_OWNED, from));
    expect(diffRuleSets(from, host, family)).toEqual([]);
    const start = simulateRestore(host, FOREIGN_AFTER);

    const owned = extractOwned(start, { recognize: [from, to] });
    const payload = buildTransition(owned, to);
    const result = simulateRestore(start, payload);
    expect(diffRuleSets(to, result, family)).toEqual([]);
    expect(foreignView(formatSave(result))).toEqual(foreignView(formatSave(start)));
    expect(buildTransition(extractOwned(result, { recognize: [to] }), to)).toBe('');
  });
});
