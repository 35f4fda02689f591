import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const scope = (name: 'accountId' | 'inboxId') => new TableColumn({ name, type: 'varchar', length: '191', isNullable: true });

/**
 * The demo's records get an account and an inbox: a conversation's (its messages and tags
 * carry a copy), a contact's account, an offline message's. Existing rows have none.
 */
export class AddChatAccounts1740100000000 implements MigrationInterface {
  name = 'AddChatAccounts1740100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['chat_conversations', 'chat_messages', 'chat_conversation_tags', 'chat_offline_messages']) {
      await queryRunner.addColumns(table, [scope('accountId'), scope('inboxId')]);
    }
    await queryRunner.addColumn('chat_contacts', scope('accountId'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('chat_contacts', 'accountId');
    for (const table of ['chat_offline_messages', 'chat_conversation_tags', 'chat_messages', 'chat_conversations']) {
      await queryRunner.dropColumns(table, ['inboxId', 'accountId']);
    }
  }
}
