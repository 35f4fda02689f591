import { BeforeInsert, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Conversation } from './conversation.entity.js';

/** A label on a conversation; a tag is on a conversation at most once. */
@Entity('chat_conversation_tags')
export class ConversationTag {
  @PrimaryColumn({ type: 'int' })
  conversationId: number;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  tag: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'conversationId', foreignKeyConstraintName: 'FK_chat_conversation_tags_conversation' })
  conversation?: Relation<Conversation>;

  /** Its conversation's account. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  accountId?: string | null;

  /** Its conversation's inbox. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  inboxId?: string | null;

  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampInsert(): void {
    this.createdAt ??= new Date();
  }
}
