/**
 * Address and name checks that Kuma borrows from Go libraries (net.ParseIP, govalidator, k8s apimachinery),
 * re-implemented so a rendered Dataplane is judged the way kuma-dp judges it.
 */

import { parseIp } from '../net/ip-address.js';

/** 16 bytes, IPv4 in its IPv4-mapped form like Go's net.IP, so `127.0.0.1` equals `::ffff:127.0.0.1`. */
export type IpBytes = readonly number[];

/** Go net.ParseIP: the one implementation in net/ip-address.ts, shared with the rule generator. */
export function parseIP(s: string): IpBytes | undefined {
  return parseIp(s)?.bytes;
}

/** govalidator.IsIP, i.e. `net.ParseIP(s) != nil`. */
export const isIP = (s: string): boolean => parseIP(s) !== undefined;

const isV4Mapped = (ip: IpBytes): boolean =>
  ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;

/** `ip.To4() != nil` in Go: a dotted IPv4 or an IPv4-mapped IPv6 address. */
export const isIPv4 = (ip: IpBytes): boolean => isV4Mapped(ip);

/** net.IP.IsLoopback: 127.0.0.0/8 (also IPv4-mapped) or ::1. */
export function isLoopbackIP(ip: IpBytes): boolean {
  if (isV4Mapped(ip)) return ip[12] === 127;
  return ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
}

/** net.IP.IsUnspecified: 0.0.0.0 or ::, however spelled. */
export function isUnspecifiedIP(ip: IpBytes): boolean {
  return ip.every((b) => b === 0) || (isV4Mapped(ip) && ip.slice(12).every((b) => b === 0));
}

export const ipEqual = (a: IpBytes, b: IpBytes): boolean => a.every((x, i) => x === b[i]);

const GOVALIDATOR_DNS_NAME = /^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/;

/**
 * govalidator.IsDNSName (asaskevich/govalidator v11), rewritten from its source: labels of 1-63 letters, digits,
 * `_` or `-` not starting with `-`, at most 255 characters without the dots, and not an IP. Faithful enough for
 * Dataplane addresses; note that it accepts `1.2.3.400`, which is therefore a valid "domain name" to Kuma.
 */
export function isGovalidatorDNSName(s: string): boolean {
  if (s === '' || s.replaceAll('.', '').length > 255) return false;
  return !isIP(s) && GOVALIDATOR_DNS_NAME.test(s);
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** k8s validation.IsDNS1123Subdomain: lowercase RFC 1123 labels joined by dots, at most 253 characters. */
export const isDns1123Subdomain = (s: string): boolean => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

/** The k8s apimachinery message for a name that is not an RFC 1123 subdomain. */
export const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start " +
  "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** k8s validation.IsDNS1035Label: what a generated MeshService name must be. */
export const isDns1035Label = (s: string): boolean => s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);

/** Kuma's "backward compatible" identifier set, used for `mesh`. */
export const MESH_NAME = /^[0-9a-z-_.]*$/;

export const MESH_NAME_MESSAGE =
  "invalid characters. Valid characters are numbers, lowercase latin letters and '-', '_', '.' symbols.";
