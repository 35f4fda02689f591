import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * The module's tables, written with the Table API so that one migration runs on
 * MySQL 8, MariaDB 10.6+ and PostgreSQL. Column types come from the driver's own
 * mapping of the entity types, so a host's `migration:generate` finds no drift.
 */
export class CreateWebhookTables1737000000000 implements MigrationInterface {
  name = 'CreateWebhookTables1737000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const time = driver.normalizeType({ type: Date });
    const bool = driver.normalizeType({ type: 'boolean' });
    const json = driver.normalizeType({ type: 'json' });
    const simpleJson = driver.normalizeType({ type: 'simple-json' });
    const id = (name: string, primary = true): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: primary });
    const at = (name: string, nullable = false): TableColumnOptions => ({ name, type: time, precision: 3, isNullable: nullable });
    const int = (name: string, nullable = true, def?: number): TableColumnOptions => ({
      name,
      type: 'int',
      isNullable: nullable,
      default: def,
    });
    const text = (name: string, length: number, nullable = true): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });

    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          id('id'),
          text('name', 200, false),
          text('url', 2048, false),
          text('secret', 1024),
          text('previousSecret', 1024),
          at('previousSecretExpiresAt', true),
          { name: 'events', type: simpleJson, isNullable: false },
          { name: 'enabled', type: bool, default: true, isNullable: false },
          { name: 'format', type: 'varchar', length: '16', default: "'json'", isNullable: false },
          int('consecutiveFailures', false, 0),
          at('disabledAt', true),
          text('disabledReason', 500),
          at('createdAt'),
          at('updatedAt'),
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id('id'),
          id('webhookId', false),
          text('event', 64, false),
          { name: 'payload', type: json, isNullable: false },
          text('status', 16, false),
          int('attempts', false, 0),
          int('statusCode'),
          int('durationMs'),
          text('error', 1000),
          { name: 'responseBody', type: json, isNullable: true },
          { name: 'requestHeaders', type: simpleJson, isNullable: true },
          { name: 'isTest', type: bool, default: false, isNullable: false },
          at('nextAttemptAt', true),
          at('lockedUntil', true),
          at('createdAt'),
          at('updatedAt'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_webhook_deliveries_webhook_created', columnNames: ['webhookId', 'createdAt'] }),
          new TableIndex({ name: 'IDX_webhook_deliveries_due', columnNames: ['status', 'nextAttemptAt'] }),
          new TableIndex({ name: 'IDX_webhook_deliveries_created', columnNames: ['createdAt'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_webhook_deliveries_webhook',
            columnNames: ['webhookId'],
            referencedTableName: 'webhook_endpoints',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            // Stated, not left to the default: MariaDB reports a missing rule as RESTRICT, MySQL 8 as NO ACTION.
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_delivery_attempts',
        columns: [
          id('deliveryId'),
          { name: 'attempt', type: 'int', isPrimary: true },
          at('at'),
          { name: 'success', type: bool, isNullable: false },
          int('statusCode'),
          int('durationMs', false),
          text('error', 1000),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_webhook_delivery_attempts_delivery',
            columnNames: ['deliveryId'],
            referencedTableName: 'webhook_deliveries',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            // Stated, not left to the default: MariaDB reports a missing rule as RESTRICT, MySQL 8 as NO ACTION.
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_delivery_attempts', true);
    await queryRunner.dropTable('webhook_deliveries', true);
    await queryRunner.dropTable('webhook_endpoints', true);
  }
}
