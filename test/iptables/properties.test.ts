import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { formatSave } from '../../src/iptables/format-save.js';
import { asExpected } from '../../src/iptables/model.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { SavedRule, SavedRuleSet } from '../../src/model/ruleset.js';
import { loadDistroGoldens, withKumaRules } from './goldens.js';
import { makeRule } from './mutations.js';
import { decorateLikeSave } from './save-decorations.js';

const goldens = withKumaRules(loadDistroGoldens());

const word = fc.stringMatching(/^[A-Za-z0-9_.:,/+-]{1,12}$/).filter((w) => !w.startsWith('-') && w !== '!');
const chainName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/)
  .filter(
    (n) => !n.startsWith('KUMA_MESH') && !['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(n),
  );
/** Comments as other tools write them: quotes, backslashes, apostrophes, spaces, non-ASCII; never Kuma's prefix. */
const comment = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', "'", '\\', '/', ':', ';', '-', 'é', '→'), maxLength: 40 })
  .filter((c) => !c.startsWith('kuma/mesh/transparent/proxy'));
const negatable = (flag: string, value: fc.Arbitrary<string>) =>
  fc.tuple(fc.boolean(), value).map(([neg, v]) => [...(neg ? ['!'] : []), flag, v]);
const match = fc.oneof(
  comment.map((c) => ['-m', 'comment', '--comment', c]),
  fc
    .array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 15 })
    .map((p) => ['-m', 'multiport', '--dports', p.join(',')]),
  negatable('--uid-owner', fc.integer({ min: 0, max: 70000 }).map(String)).map((o) => ['-m', 'owner', ...o]),
  fc.tuple(fc.constantFrom('--set-xmark', '--mark'), word).map(([o, v]) => ['-m', 'mark', o, v]),
);
const target = fc.oneof(fc.constantFrom('ACCEPT', 'DROP', 'RETURN', 'MASQUERADE'), chainName).map((t) => ['-j', t]);
const foreignArgs = fc
  .tuple(
    fc.option(
      negatable(
        '-s',
        fc.ipV4().map((a) => `${a}/32`),
      ),
    ),
    fc.option(negatable('-i', word)),
    fc.option(negatable('-p', fc.constantFrom('tcp', 'udp', 'icmp'))),
    fc.array(match, { maxLength: 3 }),
    target,
  )
  .map(([s, i, p, ms, t]) => [...(s ?? []), ...(i ?? []), ...(p ?? []), ...ms.flat(), ...t]);

/** Foreign rules spliced into built-in chains at any place, in new foreign chains and in a foreign table. */
const mixedGolden = fc
  .tuple(
    fc.constantFrom(...goldens),
    fc.array(fc.tuple(fc.nat(), fc.nat(), foreignArgs), { maxLength: 12 }),
    fc.array(fc.tuple(chainName, fc.array(foreignArgs, { maxLength: 3 })), { maxLength: 3 }),
  )
  .map(([golden, spliced, chains]) => {
    const set: SavedRuleSet = structuredClone(parseSave(golden.text));
    for (const [t, at, args] of spliced) {
      const table = set.tables[t % set.tables.length]!;
      const builtIns = table.chains.filter((c) => c.policy !== '-');
      const chain = builtIns[at % builtIns.length]!.name;
      const slots = table.rules.map((r, i) => (r.chain === chain ? i : -1)).filter((i) => i >= 0);
      const index = slots.length ? slots[at % slots.length]! + (at % 2) : table.rules.length;
      table.rules.splice(index, 0, makeRule(chain, args));
    }
    const foreign = { name: 'filter', chains: [{ name: 'INPUT', policy: 'ACCEPT' }], rules: [] as SavedRule[] };
    for (const [name, rules] of chains) {
      if (foreign.chains.some((c) => c.name === name)) continue;
      foreign.chains.push({ name, policy: '-' });
      foreign.rules.push(...rules.map((args) => makeRule(name, args)));
    }
    if (!set.tables.some((t) => t.name === 'filter')) set.tables.push(foreign);
    return { golden, set };
  });

describe('properties', () => {
  it('random foreign rules mixed into a golden still diff clean', () => {
    fc.assert(
      fc.property(mixedGolden, ({ golden, set }) => {
        expect(diffRuleSets(asExpected(parseSave(golden.text)), set, golden.family)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('format(parse(x)) is a fixpoint, and keeps every word', () => {
    fc.assert(
      fc.property(mixedGolden, fc.integer({ min: 1, max: 1e6 }), ({ set }, seed) => {
        const x = decorateLikeSave(formatSave(set), seed);
        const once = formatSave(parseSave(x));
        expect(formatSave(parseSave(once))).toBe(once);
        const words = (s: SavedRuleSet) => s.tables.map((t) => t.rules.map((r) => [r.chain, r.args]));
        expect(words(parseSave(once))).toEqual(words(set));
      }),
      { numRuns: 300 },
    );
  });
});
