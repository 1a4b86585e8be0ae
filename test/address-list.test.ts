/** Addresses as the per-source limits and the allow-list see them. */
import { AddressList, parseAddressList, sourceKey } from '../src/address-list';

describe('address lists and source keys', () => {
  it('counts IPv4 by address and IPv6 by /64; an IPv4-mapped address is the IPv4 one', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:DB8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('matches addresses and CIDR ranges of both families', () => {
    const list = new AddressList(parseAddressList('203.0.113.10, 10.0.0.0/8, 2001:db8::/32, ::ffff:198.51.100.1'));
    expect(list.has('203.0.113.10')).toBe(true);
    expect(list.has('::ffff:203.0.113.10')).toBe(true);
    expect(list.has('203.0.113.11')).toBe(false);
    expect(list.has('10.255.0.1')).toBe(true);
    expect(list.has('198.51.100.1')).toBe(true);
    expect(list.has('2001:db8:ffff::1')).toBe(true);
    expect(list.has('2001:db8:1:2::/64')).toBe(true);
    expect(list.has('2001:db9::1')).toBe(false);
    expect(list.has('not an address')).toBe(false);
    expect(() => parseAddressList('10.0.0.0/8, example.com')).toThrow('"example.com" is not an IP address');
  });
});
