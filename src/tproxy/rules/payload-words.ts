import { KumaGitopsError } from '../../errors.js';
import type { BuiltRuleSet } from './built-rules.js';

/**
 * The last check before rules become iptables-restore text: every word of every rule is one word. kumactl writes
 * user strings (vnet interface names, excluded IPs) into the payload as they are, so a newline or a space in one
 * would make the payload say something else, e.g. a `*filter` block of its own. Validation reports the setting
 * (tproxy.vnet.interface-invalid); this refuses any path that got past it, `tproxy rules` included.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const ONE_WORD = /^[^\s\u0000-\u001f\u007f]+$/;

export class UnsafePayloadError extends KumaGitopsError {
  constructor(family: string, chain: string, word: string) {
    super(
      'rules.unsafe-word',
      `the ${family} rules would contain ${JSON.stringify(word)} in chain ${chain}, which is not one word of an ` +
        'iptables-restore line (whitespace or a control character), so the payload would do something else: ' +
        'fix the setting it comes from (a vnet interface name or an excluded IP); nothing was printed or applied',
      { family, chain, word },
    );
    this.name = 'UnsafePayloadError';
  }
}

export function assertPayloadWords(sets: readonly BuiltRuleSet[]): void {
  for (const set of sets) {
    for (const table of set.tables) {
      for (const rule of table.rules) {
        for (const word of rule.params) {
          // kumactl keeps the blanks around an excluded IP as written; iptables-restore splits on them, so they are
          // harmless around a word, never inside one.
          if (!ONE_WORD.test(word.replace(/^[ \t]+|[ \t]+$/g, ''))) {
            throw new UnsafePayloadError(set.family, rule.chain, word);
          }
        }
      }
    }
  }
}
