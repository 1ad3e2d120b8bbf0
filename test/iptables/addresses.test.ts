import { describe, expect, it } from 'vitest';
import { AddressError, canonicalAddress } from '../../src/iptables/addresses.js';

describe('addresses as iptables-save prints them', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1/32'],
    ['172.32.16.8/16', '172.32.0.0/16'],
    ['192.168.0.0/24', '192.168.0.0/24'],
    ['10.1.2.3/255.255.0.0', '10.1.0.0/16'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['127.0.0.53', '127.0.0.53/32'],
  ])('IPv4 %s -> %s', (given, saved) => expect(canonicalAddress(given, 'ipv4').text).toBe(saved));

  it.each([
    ['fe80::1', 'fe80::1/128'],
    ['::1/64', '::/64'],
    ['::1/128', '::1/128'],
    ['::6/128', '::6/128'],
    ['fe80::/10', 'fe80::/10'],
    ['fd00::/8', 'fd00::/8'],
    ['a81b:a033:6399:73c7:72b6:aa8c:6f22:7098', 'a81b:a033:6399:73c7:72b6:aa8c:6f22:7098/128'],
    ['2001:0db8:0:0:1:0:0:1/64', '2001:db8::/64'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7/128'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128'],
    ['::1.2.3.4', '::1.2.3.4/128'],
    ['1::', '1::/128'],
    ['::/0', '::/0'],
  ])('IPv6 %s -> %s (values checked with ip6tables 1.8.9)', (given, saved) =>
    expect(canonicalAddress(given, 'ipv6').text).toBe(saved),
  );

  it.each([
    ['ipv4', '10.0.0.256'],
    ['ipv4', '10.0.0.1/33'],
    ['ipv4', '10.0.0.0/255.0.255.0'],
    ['ipv4', 'example.com'],
    ['ipv6', '1:2:3:4:5:6:7:8:9'],
    ['ipv6', '1::2::3'],
    ['ipv6', 'fe80::1/129'],
    ['ipv6', '10.0.0.1'],
  ] as const)('%s rejects %s', (family, given) => expect(() => canonicalAddress(given, family)).toThrow(AddressError));
});
