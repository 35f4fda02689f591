import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A webhook's own pace: at most `rateLimit` requests per second (null: no limit). */
export class AddWebhookRateLimit1738000000000 implements MigrationInterface {
  name = 'AddWebhookRateLimit1738000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const double = queryRunner.connection.driver.normalizeType({ type: 'double precision' });
    await queryRunner.addColumn('webhook_endpoints', new TableColumn({ name: 'rateLimit', type: double, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_endpoints', 'rateLimit');
  }
}
