import { Table, TableCheck, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  createdAtColumn,
  enumColumn,
  foreignIdColumn,
  idColumn,
  isMysqlFamily,
  moneyColumn,
  updatedAtColumn,
} from '@app/database';

const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'];

export class CreateOrders1767226500000 implements MigrationInterface {
  name = 'CreateOrders1767226500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysqlFamily(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          idColumn(),
          { name: 'orderNumber', type: 'varchar', length: '32' },
          enumColumn(queryRunner, 'status', ORDER_STATUSES, { default: "'pending'" }),
          moneyColumn('totalAmount'),
          foreignIdColumn('userId'),
          { name: 'shippingAddress', type: 'text', isNullable: true },
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_orders_orderNumber', columnNames: ['orderNumber'], isUnique: true }),
          new TableIndex({ name: 'IDX_orders_userId_createdAt', columnNames: ['userId', 'createdAt'] }),
          new TableIndex({ name: 'IDX_orders_status_createdAt', columnNames: ['status', 'createdAt'] }),
          new TableIndex({ name: 'IDX_orders_createdAt', columnNames: ['createdAt'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_orders_userId',
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_items',
        columns: [
          idColumn(),
          foreignIdColumn('orderId'),
          foreignIdColumn('productId'),
          { name: 'productName', type: 'varchar', length: '200' },
          { name: 'quantity', type: 'integer' },
          moneyColumn('unitPrice'),
          moneyColumn('totalPrice'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_order_items_orderId', columnNames: ['orderId'] }),
          new TableIndex({ name: 'IDX_order_items_productId', columnNames: ['productId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_order_items_orderId',
            columnNames: ['orderId'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'FK_order_items_productId',
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          }),
        ],
        // TypeORM manages CHECK constraints on SQLite only; on MySQL/MariaDB it is added below.
        checks: mysql
          ? []
          : [new TableCheck({ name: 'CHK_order_items_quantity_positive', expression: '"quantity" > 0' })],
      }),
    );
    if (mysql)
      await queryRunner.query(
        'ALTER TABLE `order_items` ADD CONSTRAINT `CHK_order_items_quantity_positive` CHECK (`quantity` > 0)',
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('order_items');
    await queryRunner.dropTable('orders');
  }
}
