import type { WebhookFormat, WebhookOrdering } from './webhook-endpoint.entity.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
import type { WebhookHealthSummary } from '../stats/webhook-stats.types.js';

/** A webhook as the admin API answers it: never the secret itself. */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  format: WebhookFormat;
  /** Most requests per second to this webhook; null for no limit. */
  rateLimit: number | null;
  /** `conversation`: one conversation's deliveries go one at a time, in order; `none`: no order. */
  ordering: WebhookOrdering;
  description: string | null;
  /** Who made it: `admin` or an integration; fixed once created. */
  source: string;
  /** Its account; null for a platform-wide webhook. */
  accountId: string | null;
  /** The inboxes it takes events of; empty for every inbox. */
  inboxIds: string[];
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
  consecutiveFailures: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  /** While the breaker holds the webhook paused: when its next probe may go; null otherwise. */
  pausedUntil: Date | null;
}

/** A webhook in the list (`GET /`): its view and its health over the last 24 hours. */
export interface WebhookListItem extends WebhookView {
  health: WebhookHealthSummary;
}

export function toWebhookView(e: WebhookEndpoint, pausedUntil: Date | null = null): WebhookView {
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    format: e.format,
    rateLimit: e.rateLimit ?? null,
    ordering: e.ordering ?? 'none',
    description: e.description ?? null,
    source: e.source,
    accountId: e.accountId ?? null,
    inboxIds: e.inboxIds ?? [],
    hasSecret: Boolean(e.secret),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    consecutiveFailures: e.consecutiveFailures,
    disabledAt: e.disabledAt ?? null,
    disabledReason: e.disabledReason ?? null,
    pausedUntil,
  };
}

/** A webhook as the module's Nest events name it: `{ id, name, url }`. */
export function webhookRef(endpoint: Pick<WebhookEndpoint, 'id' | 'name' | 'url'>): { id: string; name: string; url: string } {
  return { id: endpoint.id, name: endpoint.name, url: endpoint.url };
}
