import type { WebhookDnsLookup, WebhookResolvedAddress } from '../../src/webhooks/index.js';

/**
 * A `dnsLookup` whose answers a test changes at will (to play DNS rebinding),
 * recording every name it was asked. Names it does not know do not resolve.
 */
export class FakeDns {
  readonly asked: string[] = [];
  private readonly table = new Map<string, string[]>();

  constructor(entries: Record<string, string[]> = {}) {
    for (const [name, addresses] of Object.entries(entries)) this.set(name, addresses);
  }

  set(name: string, addresses: string[]): this {
    this.table.set(name.toLowerCase(), addresses);
    return this;
  }

  /** How many times `name` was resolved. */
  count(name: string): number {
    return this.asked.filter((asked) => asked === name).length;
  }

  readonly lookup: WebhookDnsLookup = async (hostname) => {
    this.asked.push(hostname);
    const addresses = this.table.get(hostname.toLowerCase());
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    return addresses.map((address): WebhookResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
