import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Conversation } from './conversation.entity.js';
import { Timestamped } from './timestamped.entity.js';

export type MessageAuthorType = 'visitor' | 'agent' | 'ai' | 'trigger';

/** One line of a conversation, from the visitor or from an agent. */
@Entity('chat_messages')
@Index('IDX_chat_messages_conversation_created', ['conversationId', 'createdAt'])
export class Message extends Timestamped {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  conversationId: number;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'conversationId', foreignKeyConstraintName: 'FK_chat_messages_conversation' })
  conversation?: Relation<Conversation>;

  /** Its conversation's account, copied so the message is found by account without a join. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  accountId?: string | null;

  /** Its conversation's inbox. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  inboxId?: string | null;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'boolean', default: false })
  isFromAdmin: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  adminName?: string | null;

  @Column({ type: 'varchar', length: 16 })
  authorType: MessageAuthorType;
}
