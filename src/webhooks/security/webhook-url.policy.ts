import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { WebhookBlockedAddressError } from '../errors/webhook-blocked-address.error.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { classifyBlockedAddress } from './ip-address.js';

/** Why a URL was refused; the admin API answers it with 400. */
export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The one place that decides whether a webhook may go to a URL: scheme, shape
 * and, unless private networks are allowed, every address the host resolves to.
 * It runs on create/update and again at connect time for every attempt.
 */
@Injectable()
export class WebhookUrlPolicy {
  constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions) {}

  /** Checks a URL's form (no DNS). Returns the parsed URL or throws `WebhookUrlError`. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookUrlError('url must be an absolute http(s) URL, e.g. https://example.com/webhooks');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new WebhookUrlError(`url must use http or https, not ${url.protocol.replace(/:$/, '')}`);
    }
    if (this.options.requireHttps && url.protocol !== 'https:') {
      throw new WebhookUrlError('Webhook URL must use HTTPS');
    }
    if (url.username || url.password) {
      throw new WebhookUrlError('url must not contain credentials; use a signing secret instead');
    }
    if (!url.hostname) throw new WebhookUrlError('url must name a host');
    if (url.port === '0') throw new WebhookUrlError('url port must be between 1 and 65535');
    return url;
  }

  /** The form check, then the address check on every address the host resolves to. */
  async check(raw: string): Promise<URL> {
    const url = this.parse(raw);
    if (this.options.allowPrivateNetworks) return url;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      this.assertAddress(host, host);
      return url;
    }
    const addresses = await this.resolve(host);
    for (const { address } of addresses) this.assertAddress(host, address);
    return url;
  }

  /** Throws `WebhookBlockedAddressError` for a blocked address while private networks are not allowed. */
  assertAddress(hostname: string, address: string): void {
    if (this.options.allowPrivateNetworks) return;
    const blocked = classifyBlockedAddress(address);
    if (blocked) throw new WebhookBlockedAddressError(hostname, address, blocked.reason);
  }

  /**
   * A `lookup` for the HTTP agent: resolves as Node does, then refuses the
   * connection when any resolved address is blocked, so DNS that changes
   * after the URL was saved gets nowhere.
   */
  readonly lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      try {
        for (const { address } of addresses) this.assertAddress(hostname, address);
      } catch (blocked) {
        return callback(blocked as NodeJS.ErrnoException, '');
      }
      if ((options as LookupAllOptions).all) return callback(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };

  private resolve(host: string): Promise<LookupAddress[]> {
    return new Promise((resolve, reject) => {
      dnsLookup(host, { all: true }, (err, addresses) => {
        if (err) reject(new WebhookUrlError(`url host "${host}" could not be resolved (${err.code ?? err.message})`));
        else resolve(addresses);
      });
    });
  }
}
