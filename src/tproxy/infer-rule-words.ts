/**
 * Reading kumactl's rules word by word, for infer-config.ts: the value of a flag, the destination ports, the
 * excluded-UID entries, and whether a rule in a built-in chain has a shape kumactl writes. Pure.
 */
import type { SavedRule } from '../model/ruleset.js';

/** The value after `flag` in a rule's iptables-save words, when not negated. */
export function arg(rule: SavedRule, flag: string): string | undefined {
  const i = rule.args.indexOf(flag);
  return i < 0 || rule.args[i - 1] === '!' ? undefined : rule.args[i + 1];
}

/** A rule's words without its comment match. */
export function words(rule: SavedRule): string[] {
  const out: string[] = [];
  for (let i = 0; i < rule.args.length; i++) {
    if (rule.args[i] === '-m' && rule.args[i + 1] === 'comment') i += 3;
    else out.push(rule.args[i]!);
  }
  return out;
}

/** `--dport 80` or multiport `--dports 80,443:445` as port numbers (ranges are not something kumactl writes). */
export function dports(rule: SavedRule): number[] {
  const one = arg(rule, '--dport');
  const many = arg(rule, '--dports');
  return [...(one ? [one] : []), ...(many ? many.split(',') : [])].map(Number).filter(Number.isInteger);
}

/**
 * Excluded UIDs: `-p tcp|udp -m multiport --dports P -m owner --uid-owner U -j RETURN` in OUTPUT, one rule per
 * protocol; both protocols with the same ports and UIDs were one `*` entry, `1:65535` was `*` ports.
 */
export function uidExclusions(output: readonly SavedRule[]): string[] {
  const entries: { proto: string; ports: string; uids: string }[] = [];
  for (const r of output) {
    const uids = arg(r, '--uid-owner');
    const ports = arg(r, '--dports');
    const proto = arg(r, '-p');
    if (arg(r, '-j') !== 'RETURN' || uids === undefined || ports === undefined || proto === undefined) continue;
    const spelled = ports === '1:65535' ? '*' : ports.replace(/:/g, '-');
    // kumactl writes a `*` entry as its TCP rule and, right after it, its UDP one: only that pair is one entry
    // (a `tcp:` entry next to a `*` one for the same UID must keep its own place).
    const last = entries.at(-1);
    const pair = last && last.ports === spelled && last.uids === uids && last.proto !== proto && last.proto !== '*';
    if (pair) last.proto = '*';
    else entries.push({ proto, ports: spelled, uids });
  }
  return entries.map((e) => `${e.proto}:${e.ports}:${e.uids}`);
}

/**
 * The shapes of the rules kumactl writes into built-in chains without jumping to its own: RETURN exclusions, DNS
 * and vnet REDIRECTs, conntrack zones, `<CHAIN>:` LOGs, the INVALID drop. Other tools' rules are left to them.
 */
export function kumaShaped(r: SavedRule): boolean {
  const target = arg(r, '-j');
  if (target === 'RETURN') return ['--uid-owner', '-d', '-s', '--dport', '--dports'].some((f) => r.args.includes(f));
  if (target === 'REDIRECT') return true;
  if (target === 'CT') return r.args.includes('--zone');
  if (target === 'LOG') return arg(r, '--log-prefix') === `${r.chain}:`;
  return target === 'DROP' && arg(r, '--ctstate') === 'INVALID';
}
