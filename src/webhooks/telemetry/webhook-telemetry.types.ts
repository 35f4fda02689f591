import type { WebhookDeliveryStatus } from '../delivery-log/webhook-delivery.entity.js';

/** The webhook as host events name it. */
export interface WebhookRef {
  id: string;
  name: string;
  url: string;
}

/** `webhook.delivered`: a delivery succeeded. */
export interface WebhookDeliveredEvent {
  webhook: WebhookRef;
  deliveryId: string;
  event: string;
  /** The attempt that succeeded: 1 for the first try. */
  attempt: number;
  statusCode: number;
  durationMs: number;
}

/** `webhook.failed`: a delivery failed its last retry (or was refused for good, e.g. 410). */
export interface WebhookFailedEvent {
  webhook: WebhookRef;
  deliveryId: string;
  event: string;
  attempts: number;
  error: string;
}

export interface WebhookAttemptStart {
  webhook: WebhookRef;
  deliveryId: string;
  event: string;
  attempt: number;
  /** Test deliveries get a span, but count in no metric and raise no host event. */
  isTest?: boolean;
  /** The `traceparent` of the publish that made the delivery, so the attempt joins its trace. */
  traceparent?: string | null;
}

export interface WebhookAttemptResult {
  statusCode: number | null;
  durationMs: number;
  success: boolean;
  error: string | null;
}

export interface WebhookAttemptTelemetry {
  /** Headers to send with the request: the W3C `traceparent` (and `tracestate`) of the attempt's span, when traced. */
  headers: Record<string, string>;
  /** Ends the attempt's span and counts the attempt. Call once. */
  end(result: WebhookAttemptResult): void;
}

export interface WebhookDeliveryEnd {
  webhook: WebhookRef;
  deliveryId: string;
  event: string;
  /** Attempts made in all. */
  attempts: number;
  status: Extract<WebhookDeliveryStatus, 'success' | 'failed'>;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  isTest?: boolean;
}
