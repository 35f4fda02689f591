import { promises as dns } from 'node:dns';
import type { WebhookDnsLookup } from '../webhooks.types.js';

/** The default: the operating system's resolver, as Node's `http` uses it. */
export const systemDnsLookup: WebhookDnsLookup = async (hostname) => {
  const addresses = await dns.lookup(hostname, { all: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
