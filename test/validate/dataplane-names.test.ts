import { describe, expect, it } from 'vitest';
import {
  ipEqual,
  isDns1035Label,
  isDns1123Subdomain,
  isGovalidatorDNSName,
  isIP,
  isLoopbackIP,
  isUnspecifiedIP,
  parseIP,
} from '../../src/validate/kuma-names.js';

describe('isIP (Go net.ParseIP)', () => {
  it.each([
    ['192.168.1.10', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['192.168.01.10', false], // Go 1.17+ rejects leading zeros
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['::', true],
    ['::1', true],
    ['fd00::10', true],
    ['2001:db8:0:0:0:0:2:1', true],
    ['::ffff:10.0.0.1', true],
    ['64:ff9b::192.0.2.33', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7::8', false], // `::` must stand for at least one group
    ['1::2::3', false],
    ['12345::1', false],
    ['fe80::1%eth0', false], // no zones in ParseIP
    ['1.2.3.4::', false],
    ['web-1', false],
    ['', false],
  ])('%j -> %s', (text, want) => expect(isIP(text)).toBe(want));

  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['::2', false],
  ])('loopback %s -> %s', (text, want) => expect(isLoopbackIP(parseIP(text)!)).toBe(want));

  it.each([
    ['0.0.0.0', true],
    ['::', true],
    ['0:0::0', true],
    ['::ffff:0.0.0.0', true],
    ['0.0.0.1', false],
  ])('unspecified %s -> %s', (text, want) => expect(isUnspecifiedIP(parseIP(text)!)).toBe(want));

  it('compares IPv4 and its IPv4-mapped form as equal, like net.IP.Equal', () => {
    expect(ipEqual(parseIP('127.0.0.1')!, parseIP('::ffff:127.0.0.1')!)).toBe(true);
    expect(ipEqual(parseIP('127.0.0.1')!, parseIP('127.0.0.2')!)).toBe(false);
  });
});

describe('isGovalidatorDNSName', () => {
  it.each([
    ['web-1.internal', true],
    ['localhost', true],
    ['_srv.example', true],
    ['example.com.', true],
    ['1.2.3.400', true], // not an IP, so a valid "domain name" to govalidator
    ['1.2.3.4', false], // IPs are not DNS names
    ['-web.example', false],
    ['web..example', false],
    ['web 1', false],
    ['web:8080', false],
    [`${'a'.repeat(63)}.example`, true],
    [`${'a'.repeat(64)}.example`, false],
    [Array(64).fill('abcd').join('.'), false], // 256 characters without the dots
    ['', false],
  ])('%j -> %s', (text, want) => expect(isGovalidatorDNSName(text)).toBe(want));
});

describe('k8s name rules', () => {
  it.each([
    ['web-1', true, true],
    ['web.eu-1', true, false],
    ['1web', true, false],
    ['Web', false, false],
    ['web_1', false, false],
    ['web-', false, false],
    [`a${'b'.repeat(62)}`, true, true],
    [`a${'b'.repeat(63)}`, true, false],
    ['', false, false],
  ])('%j: RFC 1123 subdomain %s, RFC 1035 label %s', (text, subdomain, label) => {
    expect(isDns1123Subdomain(text)).toBe(subdomain);
    expect(isDns1035Label(text)).toBe(label);
  });

  it('limits an RFC 1123 subdomain to 253 characters', () => {
    const name = Array(64).fill('abc').join('.'); // 255 characters
    expect(isDns1123Subdomain(name)).toBe(false);
    expect(isDns1123Subdomain(name.slice(2))).toBe(true);
  });
});
