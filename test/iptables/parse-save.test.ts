import { describe, expect, it } from 'vitest';
import { SaveParseError } from '../../src/iptables/errors.js';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import { dockerSave, firewalldSave, kubeProxySave } from './foreign-fixtures.js';
import { loadDistroGoldens } from './goldens.js';
import { decorateLikeSave } from './save-decorations.js';

const goldens = loadDistroGoldens();
const saveGoldens = goldens.filter((g) => g.content !== 'executable-not-found');

describe('parse + print round trip of every distro golden', () => {
  it.each(saveGoldens.map((g) => [g.id, g] as const))('%s', (_, golden) => {
    expect(formatSave(parseSave(golden.text))).toBe(golden.text);
  });

  it.each(saveGoldens.map((g) => [g.id, g] as const))(
    '%s with # lines and counters, as iptables-save -c prints',
    (_, golden) => {
      expect(formatSave(parseSave(decorateLikeSave(golden.text)))).toBe(golden.text);
    },
  );

  it('reads the whole corpus: every version, backend and family', () => {
    const versions = new Set(saveGoldens.map((g) => g.version));
    expect([...versions].sort()).toEqual(['v2.13', 'v2.14', 'v2.9']);
    expect(saveGoldens.length).toBeGreaterThan(290);
  });

  it.each(
    goldens
      .filter((g) => g.content === 'executable-not-found')
      .map((g) => [g.id] as const)
      .slice(0, 3),
  )('%s is not save output and says where', (id) => {
    const text = goldens.find((g) => g.id === id)!.text;
    expect(() => parseSave(text)).toThrow(SaveParseError);
    expect(() => parseSave(text)).toThrow(/line 1/);
  });
});

const stripSave = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/^(:\S+ \S+) \[\d+:\d+\]$/, '$1').replace(/^\[\d+:\d+\] /, ''))
    .join('\n');

describe('foreign rulesets from real iptables-nft-save -c', () => {
  it.each([
    ['docker', dockerSave],
    ['kube-proxy + fail2ban', kubeProxySave],
    ['firewalld', firewalldSave],
  ])('%s round-trips to the counter-less form', (_, text) => {
    expect(formatSave(parseSave(text))).toBe(stripSave(text));
  });

  it('keeps quoted comments with escaped quotes, negations and long match lists as words', () => {
    const nat = parseSave(kubeProxySave).tables.find((t) => t.name === 'nat')!;
    const odd = nat.rules.find((r) => r.args.includes('RETURN') && r.chain === 'OUTPUT')!;
    expect(odd.args).toEqual(['-m', 'comment', '--comment', 'say "hi" it\'s a \\ backslash', '-j', 'RETURN']);
    const filter = parseSave(kubeProxySave).tables.find((t) => t.name === 'filter')!;
    expect(filter.rules[0]!.args).toContain('22,80,443,8080:8090,9000,9100,10250,10255,30000:32767');
    expect(filter.rules[2]!.args.slice(0, 2)).toEqual(['!', '-s']);
  });
});

describe('typed errors with line number and text', () => {
  it.each([
    ['-A OUTPUT -j RETURN\n', 1, /table header/],
    ['*nat\n:OUTPUT ACCEPT\n-A OUTPUT -j RETURN\n', 1, /no COMMIT/],
    ['*nat\n:OUTPUT ACCEPT\n-A INPUT -j RETURN\nCOMMIT\n', 3, /does not declare/],
    ['*nat\n:OUTPUT\nCOMMIT\n', 2, /malformed chain/],
    ['*nat\n:OUTPUT ACCEPT\n-I OUTPUT 1 -j RETURN\nCOMMIT\n', 3, /expected -A/],
    ['*nat\n:OUTPUT ACCEPT\n-A OUTPUT -m comment --comment "x\nCOMMIT\n', 3, /unterminated/],
    ['*nat\nCOMMIT\n*nat\nCOMMIT\n', 3, /appears twice/],
    ['# only\n*filter\n:INPUT ACCEPT\n:INPUT ACCEPT\nCOMMIT\n', 4, /declared twice/],
  ])('%j', (text, line, reason) => {
    try {
      parseSave(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SaveParseError);
      const e = error as SaveParseError;
      expect(e.code).toBe('iptables-save-parse');
      expect(e.line).toBe(line);
      expect(e.text).toBe(text.split('\n')[line - 1]);
      expect(e.message).toMatch(reason);
    }
  });

  it('reads empty output as no tables', () => expect(parseSave('')).toEqual({ tables: [] }));
});
