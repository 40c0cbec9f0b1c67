import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

// The longest address text: 8 groups of 4 hex digits and 7 colons, or an IPv4 tail, plus a zone.
const IP_MAX_CHARS = 64;

/**
 * Returns the canonical text of an address, IPv4-mapped IPv6 as IPv4, or '' when invalid.
 * IPv6 is written in RFC 5952 form and loses its zone id (`%eth0` names an interface of the
 * relay's host, nothing about the visitor).
 * @example normalizeIp('0000:0000:0000:0000:0000:ffff:7f00:0001') // '127.0.0.1'
 */
export function normalizeIp(ip: string): string {
  if (ip.length > IP_MAX_CHARS) return '';
  // node:net decides validity: it is strict where ipaddr.js is lenient on purpose (it reads
  // '01.2.3.4' as octal and '0x7f.1' as 127.0.0.1, neither of which a socket or proxy writes).
  if (isIPv4(ip)) return ip;
  const bare = ip.split('%')[0] ?? '';
  if (!isIPv6(bare)) return '';
  const addr = ipaddr.IPv6.parse(bare);
  return addr.isIPv4MappedAddress() ? addr.toIPv4Address().toString() : addr.toRFC5952String();
}

/**
 * Removes the host part of an address: IPv4 keeps /24, IPv6 keeps /48; '' for invalid input.
 * @example anonymizeIp('203.0.113.77') // '203.0.113.0'
 * @example anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348') // '2001:db8:85a3::'
 */
export function anonymizeIp(ip: string): string {
  const addr = normalizeIp(ip);
  if (addr === '') return '';
  if (isIPv4(addr)) return ipaddr.IPv4.networkAddressFromCIDR(`${addr}/24`).toString();
  return ipaddr.IPv6.networkAddressFromCIDR(`${addr}/48`).toRFC5952String();
}
