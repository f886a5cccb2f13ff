import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { booleanColumn, createdAtColumn, enumColumn, idColumn, updatedAtColumn } from '@app/database';

export class CreateModelVersions1767225900000 implements MigrationInterface {
  name = 'CreateModelVersions1767225900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'model_versions',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '64' },
          { name: 'description', type: 'text', isNullable: true },
          enumColumn(queryRunner, 'framework', ['tfjs-layers', 'tfjs-graph']),
          enumColumn(queryRunner, 'task', ['classification', 'regression']),
          { name: 'inputShape', type: 'text' },
          { name: 'featureNames', type: 'text', isNullable: true },
          { name: 'outputLabels', type: 'text', isNullable: true },
          { name: 'metrics', type: 'text' },
          enumColumn(queryRunner, 'stage', ['staging', 'production', 'archived'], { default: "'staging'" }),
          booleanColumn('deployed', false),
          { name: 'loadError', type: 'text', isNullable: true },
          { name: 'checksum', type: 'varchar', length: '64' },
          { name: 'sizeBytes', type: 'integer' },
          { name: 'trainedAt', type: 'varchar', length: '30', isNullable: true },
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createIndices('model_versions', [
      new TableIndex({ name: 'UQ_model_versions_name_version', columnNames: ['name', 'version'], isUnique: true }),
      new TableIndex({ name: 'IDX_model_versions_stage', columnNames: ['stage'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('model_versions');
  }
}
