import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, idColumn } from '@app/database';

export class CreateInferenceRecords1767226000000 implements MigrationInterface {
  name = 'CreateInferenceRecords1767226000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'inference_records',
        columns: [
          idColumn(),
          { name: 'model', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '64' },
          { name: 'source', type: 'varchar', length: '10' },
          { name: 'userId', type: 'integer', isNullable: true },
          { name: 'inputHash', type: 'varchar', length: '64' },
          { name: 'output', type: 'text', isNullable: true },
          { name: 'latencyMs', type: 'double' },
          { name: 'success', type: 'boolean' },
          { name: 'error', type: 'text', isNullable: true },
          createdAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createIndices('inference_records', [
      new TableIndex({
        name: 'IDX_inference_records_model_version_createdAt',
        columnNames: ['model', 'version', 'createdAt'],
      }),
      new TableIndex({ name: 'IDX_inference_records_createdAt', columnNames: ['createdAt'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('inference_records');
  }
}
