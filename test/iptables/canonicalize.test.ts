import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/iptables/canonicalize.js';
import { CanonicalizeError } from '../../src/iptables/errors.js';
import { formatSave, formatSaveTable } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { Family } from '../../src/model/family.js';
import type { BuiltRuleSet } from '../../src/tproxy/rules/built-rules.js';
import { loggingDnsServersRules } from './built-fixture-logging.js';
import { multipleFlagsRules } from './built-fixture-multiple-flags.js';
import { defaultRules, type RulesVariant } from './built-fixtures.js';
import { loadDistroGoldens, normaliseLikeGoldens, withKumaRules } from './goldens.js';

/** Goldens whose kumactl version we have a transcription for (§2.13: 2.13.x is V3, 2.14 is V4). */
const VARIANTS: Record<string, RulesVariant> = { 'v2.13': 'V3', 'v2.14': 'V4' };
const SCENARIOS: Record<string, (f: Family, v: RulesVariant) => BuiltRuleSet> = {
  default: defaultRules,
  'with-multiple-flags': multipleFlagsRules,
};

const goldens = withKumaRules(loadDistroGoldens());
const modern = goldens.filter((g) => VARIANTS[g.version] !== undefined);

describe('canonicalize reproduces the distro goldens (modern ordering: legacy and nft >= 1.8.7)', () => {
  it('covers both transcribed versions, both families and both backends', () => {
    expect(modern.length).toBeGreaterThanOrEqual(150);
    expect(new Set(modern.map((g) => `${g.version} ${g.family} ${g.backend}`)).size).toBe(12);
  });

  it.each(modern.map((g) => [g.id, g] as const))('%s', (_, golden) => {
    const built = SCENARIOS[golden.scenario]!(golden.family, VARIANTS[golden.version]!);
    const expected = canonicalize(built, 'modern');
    const live = parseSave(golden.text);
    for (const table of expected.tables) {
      const got = live.tables.find((t) => t.name === table.name);
      expect(got && formatSaveTable(got)).toBe(normaliseLikeGoldens(formatSaveTable(table)));
    }
    // Whatever else the golden holds are the empty tables left by kumactl's probing (legacy).
    const others = live.tables.filter((t) => !expected.tables.some((e) => e.name === t.name));
    expect(others.flatMap((t) => t.rules)).toEqual([]);
  });
});

describe("nft 1.8.4's ordering", () => {
  const old = goldens.filter((g) => g.id.includes('debian-10') && g.backend !== 'legacy');
  it.each(old.map((g) => [g.id, g] as const))(
    '%s lists chains and rule groups as canonicalize predicts',
    (_, golden) => {
      const expected = canonicalize(multipleFlagsRules(golden.family), 'nft-1.8.4');
      const live = parseSave(golden.text);
      for (const table of expected.tables) {
        const got = live.tables.find((t) => t.name === table.name)!;
        expect(got.chains).toEqual(table.chains);
        const groups = (rules: { chain: string }[]) => rules.map((r) => r.chain).filter((c, i, a) => a[i - 1] !== c);
        expect(groups(got.rules)).toEqual(groups(table.rules));
      }
    },
  );
});

describe('canonicalize', () => {
  it('resolves -I positions into final order and remembers how each rule got there', () => {
    const nat = canonicalize(loggingDnsServersRules('ipv4', '4')).tables.find((t) => t.name === 'nat')!;
    const pre = nat.rules.filter((r) => r.chain === 'PREROUTING');
    // §8.10: the appended PREROUTING LOG ends up after the inserted jump.
    expect(pre.map((r) => [r.args.at(-1) === 'KUMA_MESH_INBOUND' ? 'jump' : 'log', r.placement])).toEqual([
      ['jump', 'insert'],
      ['log', 'append'],
    ]);
    const out = nat.rules.filter((r) => r.chain === 'OUTPUT');
    expect(out.at(-1)!.placement).toBe('append');
    expect(out.at(-1)!.text).toContain('-m tcp --dport 53 -m owner ! --uid-owner 5678 -j RETURN');
    expect(out[0]!.text).toBe(
      '-A OUTPUT -m comment --comment "kuma/mesh/transparent/proxy/log matching packets using kernel logging" -j LOG --log-prefix "OUTPUT:"',
    );
  });

  it('prints modern chains sorted and nft-1.8.4 chains in creation order', () => {
    const names = (o: 'modern' | 'nft-1.8.4') =>
      canonicalize(defaultRules('ipv4'), o).tables[0]!.chains.map((c) => c.name);
    expect(names('modern')).toEqual([
      'PREROUTING',
      'INPUT',
      'OUTPUT',
      'POSTROUTING',
      'KUMA_MESH_INBOUND',
      'KUMA_MESH_INBOUND_REDIRECT',
      'KUMA_MESH_OUTBOUND',
      'KUMA_MESH_OUTBOUND_REDIRECT',
    ]);
    expect(names('nft-1.8.4')).toEqual([
      'PREROUTING',
      'INPUT',
      'POSTROUTING',
      'OUTPUT',
      'KUMA_MESH_INBOUND',
      'KUMA_MESH_OUTBOUND',
      'KUMA_MESH_INBOUND_REDIRECT',
      'KUMA_MESH_OUTBOUND_REDIRECT',
    ]);
  });

  it('cuts comments to 254 bytes with the prefix, as kumactl does', () => {
    const built: BuiltRuleSet = {
      family: 'ipv4',
      tables: [
        {
          name: 'nat',
          chains: [],
          rules: [{ chain: 'OUTPUT', op: 'append', comment: 'x'.repeat(300), params: ['-j', 'RETURN'] }],
        },
      ],
    };
    const comment = canonicalize(built).tables[0]!.rules[0]!.args[3]!;
    expect(comment.length).toBe(254);
  });

  it.each([
    [{ chain: 'OUTPUT', op: 'insert', position: 3, params: ['-j', 'RETURN'] }, /insert position 3 is outside 1..1/],
    [{ chain: 'NOPE', op: 'append', params: ['-j', 'RETURN'] }, /neither built into nat nor declared/],
  ] as const)('refuses what iptables-restore would refuse: %j', (rule, reason) => {
    const built: BuiltRuleSet = {
      family: 'ipv4',
      tables: [{ name: 'nat', chains: [], rules: [{ ...rule, params: [...rule.params] }] }],
    };
    expect(() => canonicalize(built)).toThrow(CanonicalizeError);
    expect(() => canonicalize(built)).toThrow(reason);
  });

  it('prints text that parses back to the same model', () => {
    for (const f of ['ipv4', 'ipv6'] as const) {
      for (const built of [defaultRules(f), multipleFlagsRules(f), loggingDnsServersRules(f, '7')]) {
        const expected = canonicalize(built);
        const reread = parseSave(formatSave(expected));
        expect(reread.tables.map((t) => t.rules.map((r) => r.args))).toEqual(
          expected.tables.map((t) => t.rules.map((r) => r.args)),
        );
      }
    }
  });
});
