import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each attempt keeps the answer it got: its response headers and its body (cut at
 * `maxResponseBodyBytes`), stored as the delivery's own last `responseBody` is.
 * Both nullable: attempts logged before this migration have neither.
 */
export class AddAttemptResponses1739000000000 implements MigrationInterface {
  name = 'AddAttemptResponses1739000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    await queryRunner.addColumns('webhook_delivery_attempts', [
      new TableColumn({ name: 'responseHeaders', type: driver.normalizeType({ type: 'simple-json' }), isNullable: true }),
      new TableColumn({ name: 'responseBody', type: driver.normalizeType({ type: 'json' }), isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_delivery_attempts', 'responseBody');
    await queryRunner.dropColumn('webhook_delivery_attempts', 'responseHeaders');
  }
}
