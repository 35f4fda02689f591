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

  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampInsert(): void {
    this.createdAt ??= new Date();
  }
}
