import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-conversation ordering: a webhook's `ordering` (`none` for every webhook made before),
 * and each delivery's `orderingKey` and `orderingSeq` (null: not ordered, as every delivery
 * written before). Nullable columns with no default: added without rewriting the log.
 */
export class AddWebhookOrdering1741000000000 implements MigrationInterface {
  name = 'AddWebhookOrdering1741000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('webhook_endpoints', new TableColumn({ name: 'ordering', type: 'varchar', length: '16', isNullable: false, default: "'none'" }));
    await queryRunner.addColumns('webhook_deliveries', [
      new TableColumn({ name: 'orderingKey', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'orderingSeq', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({ name: 'IDX_webhook_deliveries_ordering', columnNames: ['webhookId', 'orderingKey', 'status', 'orderingSeq'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_ordering');
    await queryRunner.dropColumns('webhook_deliveries', ['orderingSeq', 'orderingKey']);
    await queryRunner.dropColumn('webhook_endpoints', 'ordering');
  }
}
