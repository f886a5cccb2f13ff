import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, foreignIdColumn, idColumn } from '@app/database';

/**
 * The security audit trail: sign-ins, refused credentials, access changes (no foreign keys, like
 * the prediction log).
 */
export class CreateAuthEvents1767227600000 implements MigrationInterface {
  name = 'CreateAuthEvents1767227600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_events',
        columns: [
          idColumn(),
          { name: 'type', type: 'varchar', length: '32' },
          foreignIdColumn('actorId', true),
          foreignIdColumn('subjectUserId', true),
          foreignIdColumn('apiKeyId', true),
          { name: 'address', type: 'varchar', length: '64', isNullable: true },
          { name: 'userAgent', type: 'varchar', length: '256', isNullable: true },
          { name: 'requestId', type: 'varchar', length: '128', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
          createdAtColumn(queryRunner, 'at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_auth_events_at', columnNames: ['at'] }),
          new TableIndex({ name: 'IDX_auth_events_subjectUserId_id', columnNames: ['subjectUserId', 'id'] }),
          new TableIndex({ name: 'IDX_auth_events_type_id', columnNames: ['type', 'id'] }),
          new TableIndex({ name: 'IDX_auth_events_address_id', columnNames: ['address', 'id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_events');
  }
}
