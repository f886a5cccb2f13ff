import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { booleanColumn, createdAtColumn, enumColumn, foreignIdColumn, idColumn } from '@app/database';

const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'];

/** The audit trail of order statuses (schema only; BackfillOrderEvents fills it for existing orders). */
export class CreateOrderEvents1767227100001 implements MigrationInterface {
  name = 'CreateOrderEvents1767227100001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'order_events',
        columns: [
          idColumn(),
          foreignIdColumn('orderId'),
          enumColumn(queryRunner, 'fromStatus', ORDER_STATUSES, { isNullable: true }),
          enumColumn(queryRunner, 'toStatus', ORDER_STATUSES),
          foreignIdColumn('userId', true),
          booleanColumn('backfilled', false),
          createdAtColumn(queryRunner),
        ],
        indices: [new TableIndex({ name: 'IDX_order_events_orderId_id', columnNames: ['orderId', 'id'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_order_events_orderId',
            columnNames: ['orderId'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'FK_order_events_userId',
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('order_events');
  }
}
