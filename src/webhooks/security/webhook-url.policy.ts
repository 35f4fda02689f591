import { Inject, Injectable } from '@nestjs/common';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { WebhookBlockedAddressError } from '../errors/webhook-blocked-address.error.js';
import { WebhookUrlError } from '../errors/webhook-url.error.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { classifyBlockedAddress } from './ip-address.js';
import { WebhookAllowList, normalizeHost } from './webhook-allow-list.js';
import type { WebhookDnsLookup, WebhookResolvedAddress } from '../webhooks.types.js';

export { WebhookUrlError } from '../errors/webhook-url.error.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `scheme://authority:port`, to tell a port out of range from other parse failures. */
const PORT_IN_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d+)(?:[/?#]|$)/i;

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

/**
 * The one place that decides whether a webhook may go to a URL: scheme, shape
 * and, unless private networks are allowed, every address the host resolves to.
 * It runs on create/update, before every attempt, and again at connect time on
 * the addresses actually connected to (the agent's `lookup`), so DNS that
 * changes after the URL was saved (rebinding) gets nowhere.
 */
@Injectable()
export class WebhookUrlPolicy {
  private readonly allowList: WebhookAllowList;
  private readonly resolveHost: WebhookDnsLookup;

  constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions) {
    this.allowList = new WebhookAllowList(options.allowedHosts);
    this.resolveHost = options.dnsLookup;
  }

  /** Checks a URL's form (no DNS). Returns the parsed URL or throws `WebhookUrlError`. */
  parse(raw: unknown): URL {
    if (typeof raw !== 'string' || raw === '') {
      throw new WebhookUrlError('url must be an absolute https URL, e.g. https://example.com/webhooks');
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      const port = PORT_IN_AUTHORITY.exec(raw)?.[1];
      if (port !== undefined && Number(port) > 65535) throw new WebhookUrlError('url port must be between 1 and 65535');
      throw new WebhookUrlError('url must be an absolute http(s) URL, e.g. https://example.com/webhooks');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new WebhookUrlError(`url must use http or https, not ${url.protocol.replace(/:$/, '').slice(0, 20)}`);
    }
    if (this.options.requireHttps && url.protocol !== 'https:') {
      throw new WebhookUrlError('Webhook URL must use HTTPS', 'must use HTTPS');
    }
    if (url.username || url.password) {
      throw new WebhookUrlError('url must not contain credentials (user:password@); use a signing secret instead');
    }
    if (!url.hostname) throw new WebhookUrlError('url must name a host');
    if (url.port === '0') throw new WebhookUrlError('url port must be between 1 and 65535');
    return url;
  }

  /** The form check, then the address check on every address the host resolves to (create/update). */
  async check(raw: unknown): Promise<URL> {
    const url = this.parse(raw);
    if (this.options.allowPrivateNetworks) return url;
    const host = normalizeHost(url.hostname);
    if (this.allowList.allowsHost(host)) return url;
    if (isIP(host)) {
      this.assertAddress(host, host);
      return url;
    }
    const addresses = await this.resolveForCheck(url.hostname);
    for (const { address } of addresses) this.assertAddress(host, address);
    return url;
  }

  /**
   * The check before an attempt: the URL's form (and `requireHttps`) again, since
   * the stored row may have changed, and the address of an IP literal, which
   * never goes through `lookup`. Names are checked by `lookup` as they connect.
   */
  checkBeforeConnect(raw: string): URL {
    const url = this.parse(raw);
    const host = normalizeHost(url.hostname);
    if (isIP(host)) this.assertAddress(host, host);
    return url;
  }

  /** Throws `WebhookBlockedAddressError` for a blocked address, unless private networks or this host are allowed. */
  assertAddress(hostname: string, address: string): void {
    if (this.options.allowPrivateNetworks) return;
    if (this.allowList.allowsHost(hostname) || this.allowList.allowsAddress(address)) return;
    const blocked = classifyBlockedAddress(address);
    if (blocked) throw new WebhookBlockedAddressError(hostname, address, blocked.reason);
  }

  /**
   * A `lookup` for the HTTP agent: resolves through `dnsLookup`, then refuses
   * the connection when any resolved address is blocked.
   */
  readonly lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    Promise.resolve()
      .then(() => this.resolveHost(hostname))
      .then(
        (resolved) => {
          const family = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined;
          const addresses = (resolved ?? []).filter((a) => family === undefined || a.family === family);
          if (addresses.length === 0) return callback(notFound(hostname), '');
          try {
            for (const { address } of addresses) this.assertAddress(hostname, address);
          } catch (blocked) {
            return callback(blocked as NodeJS.ErrnoException, '');
          }
          if ((options as LookupAllOptions).all) return callback(null, addresses);
          callback(null, addresses[0].address, addresses[0].family);
        },
        (err: NodeJS.ErrnoException) => callback(err instanceof Error ? err : notFound(hostname), ''),
      );
  };

  /** Resolves for the create/update check, within the request time-out, as a `WebhookUrlError` when it fails. */
  private async resolveForCheck(hostname: string): Promise<WebhookResolvedAddress[]> {
    const host = normalizeHost(hostname);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })),
        this.options.requestTimeoutMs,
      );
    });
    try {
      const addresses = await Promise.race([Promise.resolve().then(() => this.resolveHost(hostname)), timeout]);
      if (!addresses || addresses.length === 0) throw notFound(hostname);
      return addresses;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code ?? 'ENOTFOUND';
      throw new WebhookUrlError(`url host "${host.slice(0, 253)}" could not be resolved (${String(code).slice(0, 40)})`);
    } finally {
      clearTimeout(timer);
    }
  }
}
