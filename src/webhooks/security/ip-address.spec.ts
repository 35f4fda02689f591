import { describe, expect, it } from '@jest/globals';
import { classifyBlockedAddress, networkContains, parseIPv6, parseIpNetwork } from './ip-address.js';

describe('classifyBlockedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback, IPv4-mapped'],
    ['::ffff:7f00:1', 'loopback, IPv4-mapped'],
    ['::ffff:a00:5', 'private (RFC 1918), IPv4-mapped'],
    ['::127.0.0.1', 'loopback, IPv4-compatible'],
    ['64:ff9b::7f00:1', 'loopback, NAT64'],
    ['64:ff9b::169.254.169.254', 'link-local (cloud metadata), NAT64'],
    ['2002:7f00:1::', 'loopback, 6to4'],
    ['2002:a9fe:a9fe::1', 'link-local (cloud metadata), 6to4'],
    ['fd00:ec2::254', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
  ])('blocks %s (%s)', (address, reason) => {
    expect(classifyBlockedAddress(address)?.reason).toContain(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::6810:85e5', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'lets the public address %s through',
    (address) => {
      expect(classifyBlockedAddress(address)).toBeUndefined();
    },
  );

  it('parses IPv6 with an embedded dotted quad', () => {
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
  });
});

describe('IP networks (the allowedHosts option)', () => {
  it.each([
    ['10.1.2.0/24', '10.1.2.0', true],
    ['10.1.2.0/24', '10.1.2.255', true],
    ['10.1.2.0/24', '10.1.3.0', false],
    ['10.1.2.0/24', '::ffff:10.1.2.9', true],
    ['10.1.2.0/24', 'fd00::1', false],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['fd00:1::/64', 'fd00:1::abcd', true],
    ['fd00:1::/64', 'fd00:1:0:1::1', false],
    ['fd00:1::/64', '10.1.2.3', false],
    ['::/0', '2606:4700::1', true],
  ])('%s contains %s: %s', (network, address, inside) => {
    expect(networkContains(parseIpNetwork(network)!, address)).toBe(inside);
  });

  it.each(['10.1.2.0/33', '10.1.2.0/', '10.1.2.0/a', '10.1.2', 'fd00::/129', 'fe80::1%eth0/64', 'n8n.internal', '1.2.3.4/8/8', ''])(
    'does not take %j as a network',
    (text) => {
      expect(parseIpNetwork(text)).toBeUndefined();
    },
  );
});
