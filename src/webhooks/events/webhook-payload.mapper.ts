import type { WebhookEventName } from './webhook-event.js';

/**
 * Turns the object the host emitted for an event into the payload's `data`.
 * The input is loosely typed so that a host's own entity types fit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WebhookPayloadMapper = (input: any) => Record<string, unknown>;

/** Per-event mappers; a host's entry replaces the built-in one for that event. */
export type WebhookPayloadMappers = Partial<Record<WebhookEventName, WebhookPayloadMapper>>;

/**
 * What an endpoint receives as the JSON body. `account_id` and `inbox_id` are there only
 * when the event has them (see `scopeOf`): a single-tenant host's bodies never carry them.
 */
export interface WebhookPayload<T = Record<string, unknown>> {
  event: WebhookEventName;
  timestamp: string;
  account_id?: string | number;
  inbox_id?: string | number;
  data: T;
}
