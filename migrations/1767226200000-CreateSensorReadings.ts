import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, idColumn } from '@app/database';

export class CreateSensorReadings1767226200000 implements MigrationInterface {
  name = 'CreateSensorReadings1767226200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sensor_readings',
        columns: [
          idColumn(),
          { name: 'timestamp', type: 'varchar', length: '30' },
          { name: 'sensorId', type: 'varchar', length: '64' },
          { name: 'temperature', type: 'double' },
          { name: 'humidity', type: 'double' },
          { name: 'pressure', type: 'double', isNullable: true },
          { name: 'isAnomaly', type: 'boolean', isNullable: true },
          { name: 'anomalyScore', type: 'double', isNullable: true },
          { name: 'scoredBy', type: 'varchar', length: '130', isNullable: true },
          createdAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createIndices('sensor_readings', [
      new TableIndex({ name: 'IDX_sensor_readings_sensor_timestamp', columnNames: ['sensorId', 'timestamp'] }),
      new TableIndex({ name: 'IDX_sensor_readings_timestamp', columnNames: ['timestamp'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sensor_readings');
  }
}
