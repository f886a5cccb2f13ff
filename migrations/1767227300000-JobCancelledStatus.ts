import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { enumColumn } from '@app/database';

const BEFORE = ['queued', 'running', 'succeeded', 'failed'];
const AFTER = [...BEFORE, 'cancelled'];

/**
 * Jobs can be cancelled: `cancelled` joins the status enum (a native ENUM on MySQL/MariaDB, a
 * CHECK constraint on SQLite, so both need the column rewritten). Reverting turns cancelled jobs
 * into failed ones first, since the old enum cannot hold them.
 */
export class JobCancelledStatus1767227300000 implements MigrationInterface {
  name = 'JobCancelledStatus1767227300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setValues(queryRunner, AFTER);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "UPDATE inference_jobs SET status = 'failed', error = 'Cancelled' WHERE status = 'cancelled'",
    );
    await this.setValues(queryRunner, BEFORE);
  }

  private async setValues(queryRunner: QueryRunner, values: string[]): Promise<void> {
    const table = await queryRunner.getTable('inference_jobs');
    const old = table?.findColumnByName('status');
    if (!table || !old) throw new Error('inference_jobs.status is missing');
    const next = old.clone();
    Object.assign(next, enumColumn(queryRunner, 'status', values, { default: "'queued'" }));
    await queryRunner.changeColumn(table, old, next);
  }
}
