import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each attempt keeps the headers it was sent with (its attempt number, time and signatures
 * differ from one attempt to the next). Nullable: attempts logged before have none.
 */
export class AddAttemptRequestHeaders1740300000000 implements MigrationInterface {
  name = 'AddAttemptRequestHeaders1740300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    await queryRunner.addColumn(
      'webhook_delivery_attempts',
      new TableColumn({ name: 'requestHeaders', type: driver.normalizeType({ type: 'simple-json' }), isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_delivery_attempts', 'requestHeaders');
  }
}
