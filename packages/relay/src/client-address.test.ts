import { describe, expect, it } from 'vitest';
import { clientIp, FORWARDED_MAX_ENTRIES, validProxyEntry } from './client-address.js';

describe('clientIp with a list of proxies', () => {
  const trustProxy = ['loopback', '10.0.0.0/8', '2001:db8:a::/48'];
  const at = (remote: string, forwardedFor: string) =>
    clientIp({ remote, forwardedFor, trustProxy });

  it('17: walks left over trusted hops to the first untrusted one; forged entries left of it do not count', () => {
    expect(at('127.0.0.1', '10.6.6.6, 203.0.113.66, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    expect(at('::1', '198.51.100.7, [2001:db8:a::5]:443')).toBe('198.51.100.7');
    // The socket's peer in the list as IPv4-mapped IPv6 (a dual-stack socket) is still trusted.
    expect(at('::ffff:10.0.0.2', '198.51.100.7')).toBe('198.51.100.7');
    // An untrusted peer's header is ignored, however trusted its entries look.
    expect(at('203.0.113.5', '10.0.0.1, 127.0.0.1')).toBe('203.0.113.5');
    // Entries that are not addresses are skipped, as with `true`.
    expect(at('127.0.0.1', '198.51.100.7, unknown, 10.1.2.3')).toBe('198.51.100.7');
    // Every hop trusted: the left-most address is the client (a visitor inside the network).
    expect(at('127.0.0.1', '10.9.9.9, 10.1.2.3')).toBe('10.9.9.9');
  });

  it('17: examines at most FORWARDED_MAX_ENTRIES entries from the right', () => {
    const hops = Array.from({ length: FORWARDED_MAX_ENTRIES }, (_, i) => `10.0.0.${i + 1}`);
    // One trusted hop too many: the client's entry is out of reach, the left-most examined wins.
    expect(at('127.0.0.1', `198.51.100.7, ${hops.join(', ')}`)).toBe('10.0.0.1');
    expect(at('127.0.0.1', `198.51.100.7, ${hops.slice(1).join(', ')}`)).toBe('198.51.100.7');
  });

  it('17: takes range names, addresses and CIDR ranges, and nothing else', () => {
    for (const good of [
      'loopback',
      'linklocal',
      'uniquelocal',
      '10.0.0.0/8',
      '203.0.113.9',
      '::1',
      'fd00::/8',
      '::ffff:10.0.0.0/104',
    ]) {
      expect(validProxyEntry(good), good).toBe(true);
    }
    for (const bad of [
      '',
      'localhost',
      'Loopback',
      '10.0.0.0/33',
      '10.0.0.0/8/8',
      '10.0.0.0/',
      '10.0.0.0/255.0.0.0',
      '01.2.3.4',
      'fe80::1%eth0',
      '::/129',
      '10.0.0.0/-1',
      ' 10.0.0.1',
    ]) {
      expect(validProxyEntry(bad), bad).toBe(false);
    }
  });
});
