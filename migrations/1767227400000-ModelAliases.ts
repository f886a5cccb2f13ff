import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, updatedAtColumn } from '@app/database';

/** Named aliases of model versions (`champion` -> 1.2.0), unique per model. */
export class ModelAliases1767227400000 implements MigrationInterface {
  name = 'ModelAliases1767227400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'model_aliases',
        columns: [
          idColumn(),
          { name: 'modelName', type: 'varchar', length: '64' },
          { name: 'alias', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '64' },
          updatedAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_model_aliases_modelName_alias',
            columnNames: ['modelName', 'alias'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('model_aliases');
  }
}
