import { BeforeInsert, BeforeUpdate, Column, Entity, PrimaryColumn } from 'typeorm';

export type WebhookFormat = 'json' | 'slack' | 'discord';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'slack', 'discord'];

/** An admin-configured receiver of webhooks. */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

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
