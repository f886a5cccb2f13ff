import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAtColumn, idColumn } from '@app/database';

/** Product tags: `tags` and the `product_tags` association (composite key, cascading deletes). */
export class CreateTags1767227200000 implements MigrationInterface {
  name = 'CreateTags1767227200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'tags',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'slug', type: 'varchar', length: '120' },
          createdAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_tags_name', columnNames: ['name'], isUnique: true }),
          new TableIndex({ name: 'UQ_tags_slug', columnNames: ['slug'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'product_tags',
        columns: [
          { name: 'productId', type: 'integer', isPrimary: true, primaryKeyConstraintName: 'PK_product_tags' },
          { name: 'tagId', type: 'integer', isPrimary: true, primaryKeyConstraintName: 'PK_product_tags' },
        ],
        indices: [new TableIndex({ name: 'IDX_product_tags_tagId', columnNames: ['tagId'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_product_tags_productId',
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'FK_product_tags_tagId',
            columnNames: ['tagId'],
            referencedTableName: 'tags',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('product_tags');
    await queryRunner.dropTable('tags');
  }
}
