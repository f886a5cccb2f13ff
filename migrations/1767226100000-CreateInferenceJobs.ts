import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { booleanColumn, createdAtColumn, enumColumn, updatedAtColumn } from '@app/database';

export class CreateInferenceJobs1767226100000 implements MigrationInterface {
  name = 'CreateInferenceJobs1767226100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'inference_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'integer' },
          { name: 'model', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '64' },
          enumColumn(queryRunner, 'status', ['queued', 'running', 'succeeded', 'failed'], { default: "'queued'" }),
          { name: 'totalRows', type: 'integer' },
          { name: 'processedRows', type: 'integer', default: 0 },
          { name: 'chunkCount', type: 'integer' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'error', type: 'text', isNullable: true },
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
          { name: 'finishedAt', type: 'varchar', length: '30', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndices('inference_jobs', [
      new TableIndex({ name: 'IDX_inference_jobs_status', columnNames: ['status'] }),
      new TableIndex({ name: 'IDX_inference_jobs_userId', columnNames: ['userId'] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'inference_job_chunks',
        columns: [
          { name: 'jobId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'chunkIndex', type: 'integer', isPrimary: true },
          { name: 'firstRow', type: 'integer' },
          { name: 'rowCount', type: 'integer' },
          { name: 'inputs', type: 'text' },
          booleanColumn('done', false),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'inference_job_results',
        columns: [
          { name: 'jobId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'rowIndex', type: 'integer', isPrimary: true },
          { name: 'prediction', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('inference_job_results');
    await queryRunner.dropTable('inference_job_chunks');
    await queryRunner.dropTable('inference_jobs');
  }
}
