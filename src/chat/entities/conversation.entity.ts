import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Timestamped } from './timestamped.entity.js';

export type ConversationStatus = 'open' | 'pending' | 'resolved';

/** A visitor's chat; the demo keeps its assignee and rating on the row. */
@Entity('chat_conversations')
export class Conversation extends Timestamped {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  visitorName: string;

  /** The account it belongs to (a site or client of a multi-tenant install); null in a single-tenant one. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  accountId?: string | null;

  /** The inbox (website, widget) it came through; null when not told. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  inboxId?: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  visitorEmail?: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  visitorPhone?: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  visitorIp?: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  currentUrl?: string | null;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: ConversationStatus;

  /** The agent's name. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  assignee?: string | null;

  @Column({ type: 'int', nullable: true })
  rating?: number | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  ratingComment?: string | null;

  @Column({ type: Date, precision: 3, nullable: true })
  takeoverRequestedAt?: Date | null;

  @Column({ type: Date, precision: 3, nullable: true })
  resolvedAt?: Date | null;
}
