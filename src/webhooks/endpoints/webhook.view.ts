import type { WebhookFormat } from './webhook-endpoint.entity.js';
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
    hasSecret: Boolean(e.secret),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    consecutiveFailures: e.consecutiveFailures,
    disabledAt: e.disabledAt ?? null,
    disabledReason: e.disabledReason ?? null,
    pausedUntil,
  };
}
