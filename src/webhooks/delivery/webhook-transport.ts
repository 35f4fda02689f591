import type { WebhookHttpRequest, WebhookHttpResult } from './webhook-http.sender.js';

/**
 * What sends one webhook request. The default is `WebhookHttpSender` (HTTPS,
 * address checks at connect time, time-out, no redirects); a host's tests pass
 * `WebhookTestTransport` from `<package>/testing` as the `transport` option.
 * A transport never throws for a failed request: it returns a result with `error`.
 */
export interface WebhookTransport {
  send(request: WebhookHttpRequest): Promise<WebhookHttpResult>;
}

/** Injection token of the transport in use. */
export const WEBHOOKS_TRANSPORT = Symbol('WEBHOOKS_TRANSPORT');
