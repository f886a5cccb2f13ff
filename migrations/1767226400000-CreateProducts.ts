import { Table, TableCheck, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  booleanColumn,
  createdAtColumn,
  foreignIdColumn,
  idColumn,
  isMysqlFamily,
  moneyColumn,
  updatedAtColumn,
} from '@app/database';

/** Enforced by the database on both engines (the API checks first, so these are the last line). */
const CHECKS = [
  { name: 'CHK_products_price_positive', column: 'price', condition: '> 0' },
  { name: 'CHK_products_stockQuantity_nonnegative', column: 'stockQuantity', condition: '>= 0' },
];

export class CreateProducts1767226400000 implements MigrationInterface {
  name = 'CreateProducts1767226400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysqlFamily(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'slug', type: 'varchar', length: '220' },
          { name: 'description', type: 'text', isNullable: true },
          moneyColumn('price'),
          { name: 'sku', type: 'varchar', length: '64' },
          { name: 'stockQuantity', type: 'integer', default: 0 },
          booleanColumn('isActive', true),
          foreignIdColumn('categoryId', true),
          createdAtColumn(queryRunner),
          updatedAtColumn(queryRunner),
        ],
        indices: [
          new TableIndex({ name: 'UQ_products_sku', columnNames: ['sku'], isUnique: true }),
          new TableIndex({ name: 'UQ_products_slug', columnNames: ['slug'], isUnique: true }),
          new TableIndex({ name: 'UQ_products_name_categoryId', columnNames: ['name', 'categoryId'], isUnique: true }),
          new TableIndex({ name: 'IDX_products_categoryId_price', columnNames: ['categoryId', 'price'] }),
          // (isActive) alone keeps id order inside each value (rowid / primary key), so the default
          // listing (active, by id) reads 20 index entries instead of sorting every active product.
          new TableIndex({ name: 'IDX_products_isActive', columnNames: ['isActive'] }),
          new TableIndex({ name: 'IDX_products_isActive_price', columnNames: ['isActive', 'price'] }),
          new TableIndex({ name: 'IDX_products_stockQuantity', columnNames: ['stockQuantity'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_products_categoryId',
            columnNames: ['categoryId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
            onUpdate: 'NO ACTION',
          }),
        ],
        // TypeORM manages CHECK constraints on SQLite only; on MySQL/MariaDB they are added below.
        checks: mysql
          ? []
          : CHECKS.map(
              (check) => new TableCheck({ name: check.name, expression: `"${check.column}" ${check.condition}` }),
            ),
      }),
    );
    if (mysql) {
      for (const check of CHECKS) {
        await queryRunner.query(
          `ALTER TABLE \`products\` ADD CONSTRAINT \`${check.name}\` CHECK (\`${check.column}\` ${check.condition})`,
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('products');
  }
}
