import type { WebhookDeliveryStatus } from '../delivery-log/webhook-delivery.entity.js';

/** `GET /stats`: the whole module at a glance. */
export interface WebhooksOverviewStats {
  /** Deliveries waiting for their first attempt. */
  pending: number;
  /** Deliveries waiting for a retry. */
  retrying: number;
  /** Deliveries created in the last 24 h that failed their last retry (test deliveries left out). */
  failedLast24h: number;
  /** How late the most overdue waiting delivery is; 0 when none is late. */
  oldestDueAgeMs: number;
  pausedWebhooks: number;
  disabledWebhooks: number;
}

/** `GET /:id/stats?hours=`: the health of one webhook. */
export interface WebhookHealthStats {
  hours: number;
  /** Deliveries created in the window (test deliveries left out), whatever their status. */
  total: number;
  success: number;
  failed: number;
  /** success / (success + failed), 0..1; null when none has ended. */
  successRate: number | null;
  /** Percentiles of the last attempt's duration of the ended deliveries; null when none has. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** The newest delivery of the webhook, however old. */
  lastDeliveryAt: Date | null;
  lastStatus: WebhookDeliveryStatus | null;
  /** One entry per clock hour (UTC), oldest first; the last is the current hour. */
  perHour: Array<{ hour: Date; success: number; failed: number }>;
}

/** A webhook's health as the list shows it: the last 24 clock hours, as `GET /:id/stats?hours=24` counts them. */
export interface WebhookHealthSummary {
  /** Deliveries created in the window (test deliveries left out), whatever their status. */
  total: number;
  /** success / (success + failed), 0..1; null when none has ended. */
  successRate: number | null;
  /** 95th percentile of the last attempt's duration of the ended deliveries; null when none has. */
  p95Ms: number | null;
  /** The newest delivery of the webhook, however old. */
  lastDeliveryAt: Date | null;
  lastStatus: WebhookDeliveryStatus | null;
}
