import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and inboxes: a webhook's `accountId` (null: platform-wide), `inboxIds`
 * (empty: every inbox), `description` and `source`; each delivery keeps its webhook's
 * account. Rows written before stay as they were: platform-wide webhooks made by an
 * admin, receiving every inbox, and deliveries of no account.
 */
export class AddWebhookAccounts1740000000000 implements MigrationInterface {
  name = 'AddWebhookAccounts1740000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const q = (name: string) => driver.escape(name);
    await queryRunner.addColumns('webhook_endpoints', [
      new TableColumn({ name: 'description', type: 'varchar', length: '500', isNullable: true }),
      new TableColumn({ name: 'source', type: 'varchar', length: '40', isNullable: false, default: "'admin'" }),
      new TableColumn({ name: 'accountId', type: 'varchar', length: '191', isNullable: true }),
      // Nullable while the existing rows get their empty list; MySQL takes no literal default on a text column.
      new TableColumn({ name: 'inboxIds', type: driver.normalizeType({ type: 'simple-json' }), isNullable: true }),
    ]);
    await queryRunner.query(`UPDATE ${q('webhook_endpoints')} SET ${q('inboxIds')} = '[]'`);
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE ${q('webhook_endpoints')} ALTER COLUMN ${q('inboxIds')} SET NOT NULL`);
    } else {
      await queryRunner.query(`ALTER TABLE ${q('webhook_endpoints')} MODIFY ${q('inboxIds')} ${driver.normalizeType({ type: 'simple-json' })} NOT NULL`);
    }
    await queryRunner.createIndex(
      'webhook_endpoints',
      new TableIndex({ name: 'IDX_webhook_endpoints_account_created', columnNames: ['accountId', 'createdAt'] }),
    );
    await queryRunner.addColumn('webhook_deliveries', new TableColumn({ name: 'accountId', type: 'varchar', length: '191', isNullable: true }));
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({ name: 'IDX_webhook_deliveries_account_status', columnNames: ['accountId', 'status', 'isTest', 'createdAt'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_account_status');
    await queryRunner.dropColumn('webhook_deliveries', 'accountId');
    await queryRunner.dropIndex('webhook_endpoints', 'IDX_webhook_endpoints_account_created');
    await queryRunner.dropColumns('webhook_endpoints', ['inboxIds', 'accountId', 'source', 'description']);
  }
}
