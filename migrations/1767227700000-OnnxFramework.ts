import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { enumColumn } from '@app/database';

const BEFORE = ['tfjs-layers', 'tfjs-graph'];
const AFTER = [...BEFORE, 'onnx'];

/**
 * ONNX models join the registry: `onnx` joins the framework enum (a native ENUM on MySQL/MariaDB, a
 * CHECK constraint on SQLite, so both need the column rewritten). Reverting refuses while ONNX
 * versions exist: the old enum cannot hold them, and deleting registered models is not a migration's call.
 */
export class OnnxFramework1767227700000 implements MigrationInterface {
  name = 'OnnxFramework1767227700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setValues(queryRunner, AFTER);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ count }] = (await queryRunner.query(
      "SELECT COUNT(*) AS count FROM model_versions WHERE framework = 'onnx'",
    )) as { count: number | string }[];
    if (Number(count) > 0) throw new Error(`${count} ONNX model versions are registered; remove them before reverting`);
    await this.setValues(queryRunner, BEFORE);
  }

  private async setValues(queryRunner: QueryRunner, values: string[]): Promise<void> {
    const table = await queryRunner.getTable('model_versions');
    const old = table?.findColumnByName('framework');
    if (!table || !old) throw new Error('model_versions.framework is missing');
    const next = old.clone();
    Object.assign(next, enumColumn(queryRunner, 'framework', values));
    await queryRunner.changeColumn(table, old, next);
  }
}
