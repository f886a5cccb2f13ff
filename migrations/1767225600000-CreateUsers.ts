import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { booleanColumn, createdAtColumn, enumColumn, idColumn, updatedAtColumn } from '@app/database';

export class CreateUsers1767225600000 implements MigrationInterface {
  name = 'CreateUsers1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          idColumn(),
          { name: 'username', type: 'varchar', length: '50' },
          { name: 'email', type: 'varchar', length: '255' },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'fullName', type: 'varchar', length: '100', isNullable: true },
          { name: 'bio', type: 'text', isNullable: true },
          enumColumn(queryRunner, 'role', ['admin', 'customer'], { default: "'customer'" }),
          booleanColumn('isActive', true),
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createIndices('users', [
      new TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true }),
      new TableIndex({ name: 'UQ_users_email', columnNames: ['email'], isUnique: true }),
      new TableIndex({ name: 'IDX_users_role_isActive', columnNames: ['role', 'isActive'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
