import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, foreignIdColumn, idColumn } from '@app/database';

export class CreateIdempotencyKeys1767226600000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1767226600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          idColumn(),
          foreignIdColumn('userId'),
          { name: 'idempotencyKey', type: 'varchar', length: '255' },
          { name: 'requestHash', type: 'varchar', length: '64' },
          foreignIdColumn('orderId', true),
          createdAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_idempotency_keys_userId_key',
            columnNames: ['userId', 'idempotencyKey'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_idempotency_keys_orderId', columnNames: ['orderId'] }),
          new TableIndex({ name: 'IDX_idempotency_keys_createdAt', columnNames: ['createdAt'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_idempotency_keys_userId',
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'FK_idempotency_keys_orderId',
            columnNames: ['orderId'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
  }
}
