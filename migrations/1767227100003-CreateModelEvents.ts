import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, foreignIdColumn, idColumn } from '@app/database';

/**
 * The model registry's audit trail: upload, deploy, undeploy, archive (and later alias, policy) with the acting user.
 */
export class CreateModelEvents1767227100003 implements MigrationInterface {
  name = 'CreateModelEvents1767227100003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'model_events',
        columns: [
          idColumn(),
          { name: 'modelName', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '64' },
          { name: 'action', type: 'varchar', length: '32' },
          foreignIdColumn('userId', true),
          { name: 'details', type: 'text', isNullable: true },
          createdAtColumn(queryRunner),
        ],
        indices: [new TableIndex({ name: 'IDX_model_events_modelName_id', columnNames: ['modelName', 'id'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_model_events_userId',
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
    await queryRunner.dropTable('model_events');
  }
}
