import { promises as dns } from 'node:dns';

/** One address a host name resolves to. */
export interface WebhookResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. The module uses one for the
 * check on create/update and again at connect time for every attempt, so the
 * address checked is the address connected to. Give your own through the
 * `dnsLookup` option (a resolver with its own cache, split-horizon DNS, tests).
 * Reject (or return no address) when the name does not resolve.
 */
export type WebhookDnsLookup = (hostname: string) => Promise<WebhookResolvedAddress[]>;

/** The default: the operating system's resolver, as Node's `http` uses it. */
export const systemDnsLookup: WebhookDnsLookup = async (hostname) => {
  const addresses = await dns.lookup(hostname, { all: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
