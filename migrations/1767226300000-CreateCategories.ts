import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, foreignIdColumn, idColumn, updatedAtColumn } from '@app/database';

export class CreateCategories1767226300000 implements MigrationInterface {
  name = 'CreateCategories1767226300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'categories',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'slug', type: 'varchar', length: '120' },
          { name: 'description', type: 'text', isNullable: true },
          foreignIdColumn('parentId', true),
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_categories_name', columnNames: ['name'], isUnique: true }),
          new TableIndex({ name: 'UQ_categories_slug', columnNames: ['slug'], isUnique: true }),
          new TableIndex({ name: 'IDX_categories_parentId', columnNames: ['parentId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_categories_parentId',
            columnNames: ['parentId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('categories');
  }
}
