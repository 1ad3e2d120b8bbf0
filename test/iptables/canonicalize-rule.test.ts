import { describe, expect, it } from 'vitest';
import { canonicalizeRuleArgs } from '../../src/iptables/canonicalize-rule.js';
import { CanonicalizeError } from '../../src/iptables/errors.js';
import { renderRuleText, splitWords } from '../../src/iptables/words.js';

const save = (params: string, family: 'ipv4' | 'ipv6' = 'ipv4') =>
  renderRuleText('X', canonicalizeRuleArgs('X', splitWords(params), family)).replace(/^-A X /, '');

describe('one rule in iptables-save spelling (REFERENCE §2.9)', () => {
  it.each([
    // argument order: -s, -d, -i, -o, -p, then matches as given, then the target
    [
      '-m comment --comment "c/d" -p tcp -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 5678 -j X',
      '! -d 127.0.0.1/32 -o lo -p tcp -m comment --comment "c/d" -m owner --uid-owner 5678 -j X',
    ],
    // implicit -m tcp at the place the port option appeared
    [
      '-m comment --comment "c/d" -p tcp --dport 53 -m owner ! --uid-owner 5 -j RETURN',
      '-p tcp -m comment --comment "c/d" -m tcp --dport 53 -m owner ! --uid-owner 5 -j RETURN',
    ],
    ['-p tcp ! --dport 53 -j RETURN', '-p tcp -m tcp ! --dport 53 -j RETURN'],
    // explicit -m udp before -p keeps its place and takes the port
    [
      '-i docker0 -m udp -p udp --dport 53 -j REDIRECT --to-ports 15053',
      '-i docker0 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053',
    ],
    // multiport --dport is saved as --dports; uid ranges a:b as a-b
    [
      '-m multiport -p tcp --dport 53,3000:5000 -m owner --uid-owner 106:108 -j RETURN',
      '-p tcp -m multiport --dports 53,3000:5000 -m owner --uid-owner 106-108 -j RETURN',
    ],
    ['-m owner --uid-owner 7:7 -j RETURN', '-m owner --uid-owner 7 -j RETURN'],
    // addresses
    ['-d 10.0.0.1 -j RETURN', '-d 10.0.0.1/32 -j RETURN'],
    ['-s 172.32.16.8/16 -j RETURN', '-s 172.32.0.0/16 -j RETURN'],
    ['-d 0.0.0.0/0 -j RETURN', '-j RETURN'],
    // comments: always quoted unless plain, with ' escaped
    ['-m comment --comment "envoy\'s port" -j RETURN', '-m comment --comment "envoy\\\'s port" -j RETURN'],
    ['-m comment --comment plain_word -j RETURN', '-m comment --comment plain_word -j RETURN'],
    // LOG: prefix quoted, level 4 (the default) dropped, names become numbers
    ['-j LOG --log-prefix OUTPUT: --log-level 4', '-j LOG --log-prefix "OUTPUT:"'],
    ['-j LOG --log-level debug --log-prefix x', '-j LOG --log-prefix x --log-level 7'],
    ['-j LOG --log-prefix PREROUTING: --log-level warning', '-j LOG --log-prefix "PREROUTING:"'],
    // tcp: --sport before --dport, a:a as a, 0:65535 is no condition at all
    ['-p TCP --dport 80 --sport 10 -j RETURN', '-p tcp -m tcp --sport 10 --dport 80 -j RETURN'],
    ['-p tcp --sport 5:5 --dport 0:65535 -j RETURN', '-p tcp -m tcp --sport 5 -j RETURN'],
    ['-p 6 -j RETURN', '-p tcp -j RETURN'],
    ['-m conntrack --ctstate INVALID -j DROP', '-m conntrack --ctstate INVALID -j DROP'],
    ['-p udp --sport 53 -j CT --zone 1', '-p udp -m udp --sport 53 -j CT --zone 1'],
    // verbose (long) option names
    ['--protocol tcp --destination-port 80 --jump RETURN', '-p tcp -m tcp --dport 80 -j RETURN'],
    ['-g KUMA_MESH_X', '-g KUMA_MESH_X'],
  ])('%s', (params, saved) => expect(save(params)).toBe(saved));

  it.each([
    ['-d fe80::1 -j RETURN', '-d fe80::1/128 -j RETURN'],
    [
      '! -d ::1/64 -i iface -p tcp -j REDIRECT --to-ports 15001',
      '! -d ::/64 -i iface -p tcp -j REDIRECT --to-ports 15001',
    ],
  ])('IPv6 %s', (params, saved) => expect(save(params, 'ipv6')).toBe(saved));

  it.each([
    ['-d 10.0.0.1,10.0.0.2 -j RETURN', /address lists/],
    ['-d nowhere -j RETURN', /not an IPv4 address/],
    ['--dport 53 -j RETURN', /no match takes --dport/],
    ['-p tcp -j', /needs a value/],
    ['-p tcp !', /dangling/],
    ['! -m owner -j RETURN', /cannot negate -m/],
  ])('refuses %s', (params, reason) => {
    expect(() => save(params)).toThrow(CanonicalizeError);
    expect(() => save(params)).toThrow(reason);
  });
});
