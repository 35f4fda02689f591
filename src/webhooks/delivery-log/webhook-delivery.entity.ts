import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { WEBHOOK_SCOPE_ID_MAX_LENGTH, WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';

export type WebhookDeliveryStatus = 'pending' | 'retrying' | 'success' | 'failed';
export const WEBHOOK_DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'retrying', 'success', 'failed'];

/** One event for one endpoint: the unit that is sent, retried and logged. */
@Entity('webhook_deliveries')
@Index('IDX_webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('IDX_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('IDX_webhook_deliveries_created', ['createdAt'])
@Index('IDX_webhook_deliveries_status_created', ['status', 'isTest', 'createdAt'])
@Index('IDX_webhook_deliveries_webhook_stats', ['webhookId', 'isTest', 'createdAt', 'status', 'durationMs'])
// One account's side of the log: what waits, what failed lately (an account admin's `GET /stats`).
@Index('IDX_webhook_deliveries_account_status', ['accountId', 'status', 'isTest', 'createdAt'])
// An ordered webhook's key: its oldest delivery that has not ended is one short range read.
@Index('IDX_webhook_deliveries_ordering', ['webhookId', 'orderingKey', 'status', 'orderingSeq'])
export class WebhookDelivery {
  /** Sent as `X-Webhook-Id` and `webhook-id`; receivers de-duplicate on it. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  webhookId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'webhookId', foreignKeyConstraintName: 'FK_webhook_deliveries_webhook' })
  webhook?: Relation<WebhookEndpoint>;

  /** Its webhook's account (fixed when the webhook was made); null for a platform-wide webhook's. */
  @Column({ type: 'varchar', length: WEBHOOK_SCOPE_ID_MAX_LENGTH, nullable: true })
  accountId?: string | null;

  @Column({ type: 'varchar', length: 64 })
  event: string;

  /** The JSON body, as sent on every attempt. */
  @Column({ type: 'json' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookDeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'int', nullable: true })
  statusCode?: number | null;

  @Column({ type: 'int', nullable: true })
  durationMs?: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error?: string | null;

  /** The last attempt's response body, cut at `maxResponseBodyBytes` (a JSON string value). */
  @Column({ type: 'json', nullable: true })
  responseBody?: string | null;

  /**
   * The last attempt's request headers, on rows written by earlier versions: they are now kept
   * only on the attempt's own row (`webhook_delivery_attempts`), where the delivery's detail reads them.
   */
  @Column({ type: 'simple-json', nullable: true })
  requestHeaders?: Record<string, string> | null;

  @Column({ type: 'boolean', default: false })
  isTest: boolean;

  /** When the next attempt is due; null once the delivery has ended. */
  @Column({ type: Date, precision: 3, nullable: true })
  nextAttemptAt?: Date | null;

  /** A worker that is sending it holds it until then, so no two send it at once. */
  @Column({ type: Date, precision: 3, nullable: true })
  lockedUntil?: Date | null;

  /** The W3C `traceparent` of the publish that made it, so its attempts join that trace; null when not traced. */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent?: string | null;

  /**
   * For a webhook with `ordering: conversation`: `c:<conversation id>` or `k:<contact id>`; the
   * delivery waits until every older delivery of its webhook and key has ended. Null: not ordered.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  orderingKey?: string | null;

  /** Its place among its key's deliveries: the database's clock (µs) when it was written, times 1000, plus its row in that statement. */
  @Column({ type: 'bigint', nullable: true })
  orderingSeq?: string | null;

  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @Column({ type: Date, precision: 3 })
  updatedAt: Date;
}
