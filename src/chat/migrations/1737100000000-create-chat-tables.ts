import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * The demo's live-chat tables. Written with the Table API, column types taken
 * from the driver's own mapping of the entity types, so one migration serves
 * MySQL 8, MariaDB and PostgreSQL.
 */
export class CreateChatTables1737100000000 implements MigrationInterface {
  name = 'CreateChatTables1737100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const time = driver.normalizeType({ type: Date });
    const bool = driver.normalizeType({ type: 'boolean' });
    const id = (): TableColumnOptions => ({
      name: 'id',
      type: 'int',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    });
    const at = (name: string, nullable = false): TableColumnOptions => ({ name, type: time, precision: 3, isNullable: nullable });
    const varchar = (name: string, length: number, nullable = true): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const cascadeToConversation = (name: string) =>
      new TableForeignKey({
        name,
        columnNames: ['conversationId'],
        referencedTableName: 'chat_conversations',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
        // Spelled out: MariaDB reports an unspecified rule as RESTRICT, MySQL and PostgreSQL as NO ACTION.
        onUpdate: 'RESTRICT',
      });

    await queryRunner.createTable(
      new Table({
        name: 'chat_conversations',
        columns: [
          id(),
          varchar('visitorName', 200, false),
          varchar('visitorEmail', 320),
          varchar('visitorPhone', 50),
          varchar('visitorIp', 45),
          varchar('currentUrl', 2048),
          { name: 'status', type: 'varchar', length: '20', default: "'open'", isNullable: false },
          varchar('assignee', 200),
          { name: 'rating', type: 'int', isNullable: true },
          varchar('ratingComment', 2000),
          at('takeoverRequestedAt', true),
          at('resolvedAt', true),
          at('createdAt'),
          at('updatedAt'),
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'chat_messages',
        columns: [
          id(),
          { name: 'conversationId', type: 'int', isNullable: false },
          { name: 'content', type: 'text', isNullable: false },
          { name: 'isFromAdmin', type: bool, default: false, isNullable: false },
          varchar('adminName', 200),
          varchar('authorType', 16, false),
          at('createdAt'),
          at('updatedAt'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_chat_messages_conversation_created', columnNames: ['conversationId', 'createdAt'] }),
        ],
        foreignKeys: [cascadeToConversation('FK_chat_messages_conversation')],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'chat_conversation_tags',
        columns: [
          { name: 'conversationId', type: 'int', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '100', isPrimary: true },
          at('createdAt'),
        ],
        foreignKeys: [cascadeToConversation('FK_chat_conversation_tags_conversation')],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'chat_contacts',
        columns: [
          id(),
          varchar('name', 200, false),
          varchar('email', 320),
          varchar('phone', 50),
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'banned', type: bool, default: false, isNullable: false },
          at('bannedAt', true),
          at('createdAt'),
          at('updatedAt'),
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'chat_offline_messages',
        columns: [
          id(),
          varchar('name', 200, false),
          varchar('email', 320, false),
          { name: 'message', type: 'text', isNullable: false },
          at('createdAt'),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('chat_offline_messages', true);
    await queryRunner.dropTable('chat_contacts', true);
    await queryRunner.dropTable('chat_conversation_tags', true);
    await queryRunner.dropTable('chat_messages', true);
    await queryRunner.dropTable('chat_conversations', true);
  }
}
