import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A job's input chunks and per-row results become JSON columns: TEXT is 64 KB on MySQL/MariaDB,
 * which one image-sized row, or a chunk of rows of 17-digit numbers, outgrows. JSON is LONGTEXT on
 * MariaDB (verbatim), native JSON on MySQL, TEXT-like on SQLite.
 */
const COLUMNS = [
  { table: 'inference_job_chunks', column: 'inputs' },
  { table: 'inference_job_results', column: 'prediction' },
];

export class JobJsonColumns1767227000000 implements MigrationInterface {
  name = 'JobJsonColumns1767227000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, column } of COLUMNS)
      await queryRunner.changeColumn(table, column, new TableColumn({ name: column, type: 'json' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, column } of COLUMNS)
      await queryRunner.changeColumn(table, column, new TableColumn({ name: column, type: 'text' }));
  }
}
