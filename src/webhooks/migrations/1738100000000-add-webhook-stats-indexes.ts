import { TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the stats (`GET /stats`, `GET /:id/stats`) and the metrics'
 * gauges, so they stay fast with millions of delivery rows:
 * failed deliveries of the last 24 h, and one webhook's window, which the second
 * index covers (status and duration are read from the index alone).
 */
export class AddWebhookStatsIndexes1738100000000 implements MigrationInterface {
  name = 'AddWebhookStatsIndexes1738100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({ name: 'IDX_webhook_deliveries_status_created', columnNames: ['status', 'isTest', 'createdAt'] }),
    );
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({
        name: 'IDX_webhook_deliveries_webhook_stats',
        columnNames: ['webhookId', 'isTest', 'createdAt', 'status', 'durationMs'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_webhook_stats');
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_status_created');
  }
}
