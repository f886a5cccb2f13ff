import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, updatedAtColumn } from '@app/database';

/** One traffic policy per model: weighted primary versions and shadow versions (JSON text). */
export class TrafficPolicies1767227500000 implements MigrationInterface {
  name = 'TrafficPolicies1767227500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'traffic_policies',
        columns: [
          idColumn(),
          { name: 'modelName', type: 'varchar', length: '64' },
          { name: 'versions', type: 'text' },
          { name: 'shadow', type: 'text' },
          { name: 'revision', type: 'integer' },
          updatedAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_traffic_policies_modelName', columnNames: ['modelName'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('traffic_policies');
  }
}
