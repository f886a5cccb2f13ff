import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, foreignIdColumn, idColumn } from '@app/database';

/** API keys for machine clients: stored as SHA-256 hashes, with scopes, expiry, last use and revocation. */
export class CreateApiKeys1767227100000 implements MigrationInterface {
  name = 'CreateApiKeys1767227100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          idColumn(),
          foreignIdColumn('userId'),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'keyHash', type: 'varchar', length: '64' },
          { name: 'scopes', type: 'varchar', length: '64' },
          { name: 'expiresAt', type: 'varchar', length: '30', isNullable: true },
          { name: 'lastUsedAt', type: 'varchar', length: '30', isNullable: true },
          { name: 'revokedAt', type: 'varchar', length: '30', isNullable: true },
          createdAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_api_keys_keyHash', columnNames: ['keyHash'], isUnique: true }),
          new TableIndex({ name: 'IDX_api_keys_userId', columnNames: ['userId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_api_keys_userId',
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_keys');
  }
}
