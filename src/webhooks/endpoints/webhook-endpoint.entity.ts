import { BeforeInsert, BeforeUpdate, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type WebhookFormat = 'json' | 'slack' | 'discord';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'slack', 'discord'];

/** `conversation`: one conversation's (or contact's) deliveries go one at a time, in the order published. */
export type WebhookOrdering = 'none' | 'conversation';
export const WEBHOOK_ORDERINGS: readonly WebhookOrdering[] = ['none', 'conversation'];

/** Longest account or inbox id: 191 characters keep an index on it within InnoDB's limit in utf8mb4. */
export const WEBHOOK_SCOPE_ID_MAX_LENGTH = 191;

/** An admin-configured receiver of webhooks. */
@Entity('webhook_endpoints')
// The admin list of one account, in creation order.
@Index('IDX_webhook_endpoints_account_created', ['accountId', 'createdAt'])
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** What it is for, in the admin's words. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  description?: string | null;

  /** Who made it: `admin`, or an integration (`zapier`, `n8n`, ...). Set on create, never changed. */
  @Column({ type: 'varchar', length: 40, default: 'admin' })
  source: string;

  /** The account it belongs to; null for a platform-wide webhook, which receives every account's events. */
  @Column({ type: 'varchar', length: WEBHOOK_SCOPE_ID_MAX_LENGTH, nullable: true })
  accountId?: string | null;

  /** The inboxes whose events it receives; empty for every inbox. */
  @Column({ type: 'simple-json' })
  inboxIds: string[];

  /** The signing secret; encrypted when `secretEncryptionKey` is set. Never in API answers. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  secret?: string | null;

  /** The secret a rotation replaced; it keeps signing until `previousSecretExpiresAt`. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  previousSecret?: string | null;

  @Column({ type: Date, precision: 3, nullable: true })
  previousSecretExpiresAt?: Date | null;

  @Column({ type: 'simple-json' })
  events: string[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 16, default: 'json' })
  format: WebhookFormat;

  /** At most this many requests per second to this webhook; null for no limit. */
  @Column({ type: 'double precision', nullable: true })
  rateLimit?: number | null;

  /** `conversation`: a conversation's deliveries go one after another, in the order published. Default `none`. */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  ordering: WebhookOrdering;

  @Column({ type: 'int', default: 0 })
  consecutiveFailures: number;

  @Column({ type: Date, precision: 3, nullable: true })
  disabledAt?: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  disabledReason?: string | null;

  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @Column({ type: Date, precision: 3 })
  updatedAt: Date;

  @BeforeInsert()
  protected stampInsert(): void {
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected stampUpdate(): void {
    this.updatedAt = new Date();
  }
}
