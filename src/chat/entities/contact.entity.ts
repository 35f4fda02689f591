import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Timestamped } from './timestamped.entity.js';

/** A known visitor, kept by the agents; a banned contact is blocked from chatting. */
@Entity('chat_contacts')
export class Contact extends Timestamped {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The account it belongs to (a site or client of a multi-tenant install); null in a single-tenant one. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  accountId?: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email?: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone?: string | null;

  @Column({ type: 'text', nullable: true })
  notes?: string | null;

  @Column({ type: 'boolean', default: false })
  banned: boolean;

  @Column({ type: Date, precision: 3, nullable: true })
  bannedAt?: Date | null;
}
