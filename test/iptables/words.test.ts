import { describe, expect, it } from 'vitest';
import { quoteSaveString, renderRuleText, splitWords } from '../../src/iptables/words.js';

describe('splitWords, like iptables-restore', () => {
  it.each([
    ['-A X -j RETURN', ['-A', 'X', '-j', 'RETURN']],
    ['  -A\tX  ', ['-A', 'X']],
    ['--comment "a b"', ['--comment', 'a b']],
    ['--comment "say \\"hi\\" it\\\'s a \\\\ backslash"', ['--comment', 'say "hi" it\'s a \\ backslash']],
    ['--comment ""', ['--comment', '']],
    ['--comment x"y z"', ['--comment', 'xy z']],
    ['--comment "a"b', ['--comment', 'a', 'b']],
    ['a\\b', ['a\\b']],
    ["it's", ["it's"]],
  ])('%s', (line, words) => expect(splitWords(line)).toEqual(words));

  it('rejects an unterminated quote', () => expect(() => splitWords('--comment "open')).toThrow(/unterminated/));
});

describe('quoting as iptables-save prints', () => {
  it.each([
    ['abc_D-1', 'abc_D-1'],
    ['', '""'],
    ['OUTPUT:', '"OUTPUT:"'],
    ["envoy's", '"envoy\\\'s"'],
    ['a "b" \\c', '"a \\"b\\" \\\\c"'],
  ])('%j -> %s', (value, printed) => expect(quoteSaveString(value)).toBe(printed));

  it('quotes comment and log-prefix values, and other words only when they would not split back', () => {
    const args = ['-d', '10.0.0.1/32', '-m', 'comment', '--comment', 'x/y', '-j', 'LOG', '--log-prefix', 'a b'];
    const text = renderRuleText('OUTPUT', args);
    expect(text).toBe('-A OUTPUT -d 10.0.0.1/32 -m comment --comment "x/y" -j LOG --log-prefix "a b"');
    expect(splitWords(text).slice(2)).toEqual(args);
  });
});
