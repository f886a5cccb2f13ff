import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { foreignIdColumn, idColumn } from '@app/database';

/** Reference statistics of model versions' inputs, one row per feature: the baseline drift is measured against. */
export class ModelReferenceFeatures1767227800000 implements MigrationInterface {
  name = 'ModelReferenceFeatures1767227800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'model_reference_features',
        columns: [
          idColumn(),
          foreignIdColumn('modelVersionId'),
          { name: 'position', type: 'integer' },
          { name: 'stats', type: 'text' },
          { name: 'sampleRows', type: 'integer' },
        ],
        indices: [
          new TableIndex({
            name: 'UQ_model_reference_features_version_position',
            columnNames: ['modelVersionId', 'position'],
            isUnique: true,
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_model_reference_features_modelVersionId',
            columnNames: ['modelVersionId'],
            referencedTableName: 'model_versions',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('model_reference_features');
  }
}
