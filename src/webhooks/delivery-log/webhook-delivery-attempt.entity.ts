import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** The record of one HTTP attempt of a delivery. */
@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'deliveryId', foreignKeyConstraintName: 'FK_webhook_delivery_attempts_delivery' })
  delivery?: Relation<WebhookDelivery>;

  /** 1 for the first try; redeliveries go on counting. */
  @PrimaryColumn({ type: 'int' })
  attempt: number;

  @Column({ type: Date, precision: 3 })
  at: Date;

  @Column({ type: 'boolean' })
  success: boolean;

  @Column({ type: 'int', nullable: true })
  statusCode?: number | null;

  @Column({ type: 'int' })
  durationMs: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error?: string | null;

  /** The headers this attempt was sent with; null for attempts logged before they were kept. */
  @Column({ type: 'simple-json', nullable: true })
  requestHeaders?: Record<string, string> | null;

  /** The answer's headers; null when none came, or for attempts logged before they were kept. */
  @Column({ type: 'simple-json', nullable: true })
  responseHeaders?: Record<string, string> | null;

  /** The answer's body, cut at `maxResponseBodyBytes` (a JSON string value, as on the delivery); null where not kept. */
  @Column({ type: 'json', nullable: true })
  responseBody?: string | null;
}
