import { isIP } from 'node:net';

/**
 * Classifies IP addresses that a webhook must not reach unless the host allows
 * private networks: loopback, private, link-local, CGNAT, unique-local,
 * multicast, unspecified, broadcast, documentation, benchmarking, reserved and
 * cloud-metadata ranges, including IPv4 addresses embedded in IPv6
 * (mapped, compatible, NAT64 and 6to4 forms).
 */

type Range = readonly [bytes: number[], prefix: number, label: string];

const v4 = (a: number, b: number, c: number, d: number, prefix: number, label: string): Range => [[a, b, c, d], prefix, label];

const BLOCKED_V4: readonly Range[] = [
  v4(255, 255, 255, 255, 32, 'broadcast'),
  v4(0, 0, 0, 0, 8, 'unspecified ("this network")'),
  v4(10, 0, 0, 0, 8, 'private (RFC 1918)'),
  v4(100, 64, 0, 0, 10, 'carrier-grade NAT (RFC 6598)'),
  v4(127, 0, 0, 0, 8, 'loopback'),
  v4(169, 254, 0, 0, 16, 'link-local (cloud metadata)'),
  v4(172, 16, 0, 0, 12, 'private (RFC 1918)'),
  v4(192, 0, 0, 0, 24, 'IETF protocol assignments'),
  v4(192, 0, 2, 0, 24, 'documentation'),
  v4(192, 88, 99, 0, 24, '6to4 relay anycast'),
  v4(192, 168, 0, 0, 16, 'private (RFC 1918)'),
  v4(198, 18, 0, 0, 15, 'benchmarking'),
  v4(198, 51, 100, 0, 24, 'documentation'),
  v4(203, 0, 113, 0, 24, 'documentation'),
  v4(224, 0, 0, 0, 4, 'multicast'),
  v4(240, 0, 0, 0, 4, 'reserved'),
];

function v6(text: string, prefix: number, label: string): Range {
  return [parseIPv6(text)!, prefix, label];
}

const BLOCKED_V6: readonly Range[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('100::', 64, 'discard-only'),
  v6('2001::', 32, 'Teredo'),
  v6('2001:10::', 28, 'ORCHID'),
  v6('2001:20::', 28, 'ORCHIDv2'),
  v6('2001:db8::', 32, 'documentation'),
  v6('3fff::', 20, 'documentation'),
  v6('fc00::', 7, 'unique-local (private)'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local'),
  v6('ff00::', 8, 'multicast'),
  v6('64:ff9b:1::', 48, 'local-use NAT64'),
];

/** IPv6 prefixes that carry an IPv4 address, and where its four bytes sit. */
const EMBEDDED_V4: ReadonlyArray<readonly [bytes: number[], prefix: number, offset: number, label: string]> = [
  [parseIPv6('::ffff:0:0')!, 96, 12, 'IPv4-mapped'],
  [parseIPv6('::')!, 96, 12, 'IPv4-compatible'],
  [parseIPv6('64:ff9b::')!, 96, 12, 'NAT64'],
  [parseIPv6('2002::')!, 16, 2, '6to4'],
];

function inRange(bytes: number[], base: number[], prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < base.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (base[i] & mask)) return false;
  }
  return true;
}

function parseIPv4(text: string): number[] | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (zone id dropped), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let head = address;
  let tail4: number[] = [];
  const lastColon = address.lastIndexOf(':');
  const dotted = address.slice(lastColon + 1);
  if (dotted.includes('.')) {
    tail4 = parseIPv4(dotted) ?? [];
    head = address.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '') : []);
  const l = groups(left);
  const r = head.includes('::') ? groups(right) : [];
  const zeros = 8 - l.length - r.length;
  const words = [...l, ...Array(Math.max(zeros, 0)).fill('0'), ...r].map((g) => parseInt(g, 16));
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail4.length === 4) bytes.splice(12, 4, ...tail4);
  return bytes;
}

export interface BlockedAddress {
  address: string;
  reason: string;
}

/** Why an address is blocked, or `undefined` when it is a public unicast address. */
export function classifyBlockedAddress(address: string): BlockedAddress | undefined {
  const four = parseIPv4(address);
  if (four) return classifyV4(four, address);
  const six = parseIPv6(address);
  if (!six) return { address, reason: 'not an IP address' };
  for (const [base, prefix, offset, label] of EMBEDDED_V4) {
    if (inRange(six, base, prefix)) {
      // `::` and `::1` are IPv6's own unspecified and loopback, not embedded IPv4.
      if (label === 'IPv4-compatible' && six.slice(12).every((b, i) => b === 0 || (i === 3 && b === 1))) break;
      const inner = six.slice(offset, offset + 4);
      const blocked = classifyV4(inner, address);
      return blocked ? { address, reason: `${blocked.reason}, ${label}` } : undefined;
    }
  }
  for (const [base, prefix, label] of BLOCKED_V6) {
    if (inRange(six, base, prefix)) return { address, reason: label };
  }
  return undefined;
}

/** An IP network: its address bytes (4 or 16) and prefix length. */
export interface IpNetwork {
  bytes: number[];
  prefix: number;
}

/** Parses `10.1.2.0/24`, `fd00::/8` or a single address (a /32 or /128); undefined when it is neither. */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const bytes = parseIPv4(address) ?? (address.includes('%') ? undefined : parseIPv6(address));
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { bytes, prefix: Number(prefixText) };
}

/**
 * Whether `address` lies in `network`. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)
 * counts as its IPv4 address, since that is where a connection to it goes.
 */
export function networkContains(network: IpNetwork, address: string): boolean {
  let bytes = parseIPv4(address) ?? parseIPv6(address);
  if (!bytes) return false;
  if (bytes.length === 16 && network.bytes.length === 4 && inRange(bytes, EMBEDDED_V4[0][0], 96)) bytes = bytes.slice(12);
  return bytes.length === network.bytes.length && inRange(bytes, network.bytes, network.prefix);
}

function classifyV4(bytes: number[], address: string): BlockedAddress | undefined {
  for (const [base, prefix, label] of BLOCKED_V4) {
    if (inRange(bytes, base, prefix)) return { address, reason: label };
  }
  return undefined;
}
