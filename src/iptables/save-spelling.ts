/**
 * What iptables 1.8.x knows about the options it re-spells on save (iptables 1.8.9's *-save output, as Kuma's goldens
 * in test/transparentproxy/testdata@v2.14.3 show it): which match module owns an
 * option, how many values it takes, and the name iptables-save prints for it.
 */

/** Options each known match accepts (long forms included); a module not listed here accepts any option. */
const MATCH_OPTIONS: Record<string, ReadonlySet<string>> = {
  tcp: new Set(['--dport', '--sport', '--destination-port', '--source-port', '--syn', '--tcp-flags', '--tcp-option']),
  udp: new Set(['--dport', '--sport', '--destination-port', '--source-port']),
  multiport: new Set([
    '--dports',
    '--sports',
    '--ports',
    '--dport',
    '--sport',
    '--destination-ports',
    '--source-ports',
  ]),
  owner: new Set(['--uid-owner', '--gid-owner', '--socket-exists', '--suppl-groups']),
  comment: new Set(['--comment']),
  conntrack: new Set(['--ctstate', '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctstatus', '--ctexpire', '--ctdir']),
  addrtype: new Set(['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out']),
};

/** Matches loaded implicitly by `-p` when a port option appears without a module that takes it. */
export const IMPLICIT_PROTOCOL_MATCHES: ReadonlySet<string> = new Set(['tcp', 'udp']);

const NO_VALUE = new Set([
  '--syn',
  '--socket-exists',
  '--suppl-groups',
  '--limit-iface-in',
  '--limit-iface-out',
  '--log-uid',
  '--log-tcp-sequence',
  '--log-tcp-options',
  '--log-ip-options',
  '--log-macdecode',
  '--random',
  '--random-fully',
  '--notrack',
]);
const TWO_VALUES = new Set(['--tcp-flags']);

export function optionArity(option: string): number {
  if (NO_VALUE.has(option)) return 0;
  return TWO_VALUES.has(option) ? 2 : 1;
}

export function matchAccepts(match: string, option: string): boolean {
  const known = MATCH_OPTIONS[match];
  return known === undefined || known.has(option);
}

const SAVE_NAMES: Record<string, Record<string, string>> = {
  tcp: { '--destination-port': '--dport', '--source-port': '--sport' },
  udp: { '--destination-port': '--dport', '--source-port': '--sport' },
  // `--dport` is accepted as an abbreviation of `--dports` (getopt), and saved under the full name.
  multiport: {
    '--dport': '--dports',
    '--sport': '--sports',
    '--destination-ports': '--dports',
    '--source-ports': '--sports',
  },
};

export function saveOptionName(match: string, option: string): string {
  return SAVE_NAMES[match]?.[option] ?? option;
}

/** Long builder spellings (`--verbose` restore files) of the options that have a short form. */
export const SHORT_FORMS: Record<string, string> = {
  '--source': '-s',
  '--destination': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--match': '-m',
  '--jump': '-j',
  '--goto': '-g',
};

/** iptables-save prints protocol names from /etc/protocols for these numbers. */
export const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'ipv6-icmp',
  '132': 'sctp',
};

/** syslog level names LOG accepts; iptables-save prints the number and leaves out the default 4. */
export const LOG_LEVELS: Record<string, string> = {
  emerg: '0',
  alert: '1',
  crit: '2',
  error: '3',
  err: '3',
  warning: '4',
  warn: '4',
  notice: '5',
  info: '6',
  debug: '7',
};
