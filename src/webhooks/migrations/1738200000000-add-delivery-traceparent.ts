import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where a delivery keeps the trace context of the publish that made it, so its attempts join that trace. */
export class AddDeliveryTraceparent1738200000000 implements MigrationInterface {
  name = 'AddDeliveryTraceparent1738200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('webhook_deliveries', new TableColumn({ name: 'traceparent', type: 'varchar', length: '55', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_deliveries', 'traceparent');
  }
}
