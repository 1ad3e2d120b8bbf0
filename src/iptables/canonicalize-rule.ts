/**
 * One rule from builder params (restore form) to the argument list iptables-save prints for it (iptables 1.8.9's *-save
 * output, as Kuma's goldens in test/transparentproxy/testdata@v2.14.3 show it):
 * `[!] -s, [!] -d, [!] -i, [!] -o, [!] -p`, then matches in the order given (an implicit `-m tcp`/`-m udp` where
 * the port option appeared), then the target; values re-spelt as the kernel hands them back.
 */
import type { Family } from '../model/family.js';
import { AddressError, canonicalAddress } from './addresses.js';
import { CanonicalizeError } from './errors.js';
import {
  IMPLICIT_PROTOCOL_MATCHES,
  LOG_LEVELS,
  matchAccepts,
  optionArity,
  PROTOCOL_NAMES,
  SHORT_FORMS,
  saveOptionName,
} from './save-spelling.js';

const BASIC_ORDER = ['-s', '-d', '-i', '-o', '-p'] as const;
type Basic = (typeof BASIC_ORDER)[number];

/** An option with its values, `!` kept in front when negated. */
type Option = { negated: boolean; name: string; values: string[] };
type Module = { name: string; options: Option[] };

export function canonicalizeRuleArgs(chain: string, params: readonly string[], family: Family): string[] {
  const fail = (reason: string): never => {
    throw new CanonicalizeError(chain, params, reason);
  };
  const basics = new Map<Basic, { negated: boolean; value: string }>();
  const matches: Module[] = [];
  let target: (Module & { flag: string }) | undefined;
  let negated = false;

  for (let i = 0; i < params.length; i++) {
    const word = SHORT_FORMS[params[i]!] ?? params[i]!;
    const value = () => params[++i] ?? fail(`${word} needs a value`);
    if (word === '!') {
      negated = true;
      continue;
    }
    if ((BASIC_ORDER as readonly string[]).includes(word)) {
      basics.set(word as Basic, { negated, value: value() });
    } else if (word === '-m') {
      if (negated) fail('`!` cannot negate -m');
      matches.push({ name: value(), options: [] });
    } else if (word === '-j' || word === '-g') {
      if (negated) fail(`\`!\` cannot negate ${word}`);
      target = { flag: word, name: value(), options: [] };
    } else if (word.startsWith('-')) {
      const option: Option = { negated, name: word, values: [] };
      for (let n = optionArity(word); n > 0; n--) option.values.push(value());
      const owner = target ?? ownerMatch(matches, word, basics.get('-p')?.value) ?? fail(`no match takes ${word}`);
      owner.options.push(option);
    } else {
      fail(`unexpected word ${JSON.stringify(word)}`);
    }
    negated = false;
  }
  if (negated) fail('dangling `!`');

  const args: string[] = [];
  for (const flag of BASIC_ORDER) {
    const basic = basics.get(flag);
    const printed = basic && printBasic(flag, basic.value, basic.negated, family, fail);
    if (printed !== undefined) args.push(...(basic!.negated ? ['!'] : []), flag, printed);
  }
  for (const match of matches) args.push('-m', match.name, ...printOptions(match));
  if (target) args.push(target.flag, target.name, ...printOptions(target));
  return args;
}

/** Finds the loaded match that takes an option, or loads the protocol's match implicitly, as iptables does. */
function ownerMatch(matches: Module[], option: string, protocol: string | undefined): Module | undefined {
  for (let i = matches.length - 1; i >= 0; i--) if (matchAccepts(matches[i]!.name, option)) return matches[i];
  const proto = protocol === undefined ? undefined : (PROTOCOL_NAMES[protocol] ?? protocol.toLowerCase());
  if (proto === undefined || !IMPLICIT_PROTOCOL_MATCHES.has(proto) || !matchAccepts(proto, option)) return undefined;
  const implicit = { name: proto, options: [] };
  matches.push(implicit);
  return implicit;
}

function printBasic(flag: Basic, value: string, negated: boolean, family: Family, fail: (r: string) => never) {
  if (flag === '-s' || flag === '-d') {
    if (value.includes(',')) fail(`address lists (${value}) expand into several rules; give one address per rule`);
    try {
      const address = canonicalAddress(value, family);
      // A /0 address matches everything: iptables keeps no trace of it unless negated.
      return address.prefix === 0 && !negated ? undefined : address.text;
    } catch (error) {
      if (error instanceof AddressError) return fail(error.message);
      throw error;
    }
  }
  if (flag === '-p') {
    const name = PROTOCOL_NAMES[value] ?? value.toLowerCase();
    return name === 'all' && !negated ? undefined : name;
  }
  return value;
}

function printOptions(module: Module): string[] {
  let options = module.options.map((o) => ({ ...o, name: saveOptionName(module.name, o.name) }));
  if (module.name === 'tcp' || module.name === 'udp') options = portOptions(options);
  if (module.name === 'owner') options = options.map((o) => rewrite(o, '--uid-owner', uidRange));
  if (module.name === 'LOG') options = logOptions(options);
  return options.flatMap((o) => [...(o.negated ? ['!'] : []), o.name, ...o.values]);
}

/** tcp/udp print `--sport` before `--dport`; `a:a` prints as `a`; the full range `0:65535` is not printed. */
function portOptions(options: Option[]): Option[] {
  const single = (v: string) => {
    const [lo, hi] = v.split(':');
    return hi !== undefined && lo === hi ? lo! : v;
  };
  const kept = options.filter((o) => o.negated || o.values[0] !== '0:65535').map((o) => rewrite(o, o.name, single));
  const named = (name: string) => kept.filter((o) => o.name === name);
  return [
    ...named('--sport'),
    ...named('--dport'),
    ...kept.filter((o) => o.name !== '--sport' && o.name !== '--dport'),
  ];
}

function uidRange(v: string): string {
  const [lo, hi] = v.split(/[:-]/);
  return hi === undefined || lo === hi ? lo! : `${lo}-${hi}`;
}

/** LOG prints the prefix first, then the level as a number, leaving out the kernel default 4. */
function logOptions(options: Option[]): Option[] {
  const level = (v: string) => LOG_LEVELS[v.toLowerCase()] ?? v;
  const prefix = options.filter((o) => o.name === '--log-prefix');
  const levels = options.filter((o) => o.name === '--log-level' && level(o.values[0]!) !== '4');
  const rest = options.filter((o) => o.name !== '--log-prefix' && o.name !== '--log-level');
  return [...prefix, ...levels.map((o) => rewrite(o, o.name, level)), ...rest];
}

function rewrite(option: Option, name: string, fn: (value: string) => string): Option {
  return option.name === name ? { ...option, values: option.values.map(fn) } : option;
}
