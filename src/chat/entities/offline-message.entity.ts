import { BeforeInsert, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a visitor leaves in the offline form when no agent is online. */
@Entity('chat_offline_messages')
export class OfflineMessage {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'text' })
  message: string;

  /** The account it belongs to (a site or client of a multi-tenant install); null in a single-tenant one. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  accountId?: string | null;

  /** The inbox (website, widget) it came through; null when not told. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  inboxId?: string | null;

  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampInsert(): void {
    this.createdAt ??= new Date();
  }
}
