import { isIP } from 'node:net';
import { networkContains, parseIpNetwork } from './ip-address.js';
import type { IpNetwork } from './ip-address.js';

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** A URL host as compared: lower case, no brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/**
 * The `allowedHosts` option: hosts and networks the host app trusts although
 * they are private (an internal n8n, a sidecar). Entries are host names
 * (`n8n.internal`; `*.corp.example` for any name below it), IP addresses
 * (`10.1.2.3`, `fd00::5`) or CIDR networks (`10.1.2.0/24`, `fd00:1::/64`).
 */
export class WebhookAllowList {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly networks: IpNetwork[] = [];

  constructor(entries: readonly string[] = []) {
    if (!Array.isArray(entries)) {
      throw new TypeError('WebhooksModule option "allowedHosts" must be an array of host names, IP addresses or CIDR networks.');
    }
    for (const entry of entries) this.add(entry);
  }

  get isEmpty(): boolean {
    return this.names.size === 0 && this.suffixes.length === 0 && this.networks.length === 0;
  }

  /** Whether a URL's host is trusted by name (or, for an IP literal, by network). */
  allowsHost(host: string): boolean {
    const name = normalizeHost(host);
    if (isIP(name)) return this.allowsAddress(name);
    return this.names.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  /** Whether an address lies in a trusted network. */
  allowsAddress(address: string): boolean {
    const plain = normalizeHost(address);
    return this.networks.some((network) => networkContains(network, plain));
  }

  private add(entry: unknown): void {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new TypeError(`WebhooksModule option "allowedHosts" has an empty or non-string entry (${JSON.stringify(entry)}).`);
    }
    const text = entry.trim();
    if (text.includes('://')) {
      throw new TypeError(
        `WebhooksModule option "allowedHosts": "${text}" is a URL, not a host name: list its host alone (e.g. n8n.internal).`,
      );
    }
    const looksLikeAddress = /^[\d.]+(\/\d+)?$/.test(text) || text.includes(':');
    if (looksLikeAddress) {
      const network = parseIpNetwork(text.replace(/^\[|\](?=\/|$)/g, ''));
      if (!network) {
        throw new TypeError(
          `WebhooksModule option "allowedHosts": "${text}" is not a valid IP address or CIDR network (e.g. 10.1.2.0/24 or fd00::/8).`,
        );
      }
      this.networks.push(network);
      return;
    }
    const name = normalizeHost(text);
    if (!HOST_NAME.test(name)) {
      throw new TypeError(
        `WebhooksModule option "allowedHosts": "${text}" is not a host name (e.g. n8n.internal or *.corp.example), an IP address or a CIDR network.`,
      );
    }
    if (name.startsWith('*.')) this.suffixes.push(name.slice(1));
    else this.names.add(name);
  }
}
