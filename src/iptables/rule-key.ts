/**
 * The identity of a rule for drift checks: what the kernel matches and does, not how one iptables version
 * prints it. Old nft (1.8.2) prints `-p 6` and puts the comment last; 1.8.9 prints `-p tcp` and keeps the
 * comment where it was given. Both mean the same rule.
 */
import type { SavedRule } from '../model/ruleset.js';
import { PROTOCOL_NAMES } from './save-spelling.js';

export function ruleKey(rule: Pick<SavedRule, 'args'>): string {
  const args = [...rule.args];
  let comment: string[] = [];
  const at = args.findIndex((word, i) => word === '-m' && args[i + 1] === 'comment' && args[i + 2] === '--comment');
  if (at >= 0) comment = args.splice(at, 4);
  for (let i = 0; i < args.length - 1; i++) {
    if (args[i] === '-p') args[i + 1] = PROTOCOL_NAMES[args[i + 1]!] ?? args[i + 1]!.toLowerCase();
  }
  return [...args, ...comment].join('\u0000');
}
