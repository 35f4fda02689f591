/*
 * The types that the options, the transport, the HTTPS sender and the URL policy share.
 * They live here, apart from any of those four, so none of them imports another for a type.
 */

/** One request a transport sends: always a POST of `body`. */
export interface WebhookHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What one request came to. */
export interface WebhookHttpResult {
  /** The HTTP status, or null when no response came. */
  statusCode: number | null;
  durationMs: number;
  /** The response body cut at `maxResponseBodyBytes`; null when no response came. */
  responseBody: string | null;
  responseHeaders: Record<string, string>;
  /** Why no response came (time-out, refused, TLS, DNS, blocked address). */
  error: string | null;
  /**
   * False when no request was made because the URL or its address is refused here (a
   * setting to fix, not an outage): such a failure does not count toward the breaker.
   */
  transient?: boolean;
}

/**
 * What sends one webhook request. The default is `WebhookHttpSender` (HTTPS,
 * address checks at connect time, time-out, no redirects); a host's tests pass
 * `WebhookTestTransport` from `<package>/testing` as the `transport` option.
 * A transport never throws for a failed request: it returns a result with `error`.
 */
export interface WebhookTransport {
  send(request: WebhookHttpRequest): Promise<WebhookHttpResult>;
}

export interface WebhookTlsOptions {
  /** Certificates trusted in addition to Node's own store. */
  ca?: string | Buffer | Array<string | Buffer>;
}

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
