import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations that must run on SQLite and MySQL/MariaDB alike. They ask the
 * driver for its own mapped types so the schema matches what the entities describe on each engine
 * (the drift check compares exactly that).
 */
export function isMysqlFamily(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

export function idColumn(name = 'id'): TableColumnOptions {
  return { name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
}

export function foreignIdColumn(name: string, isNullable = false): TableColumnOptions {
  return { name, type: 'integer', isNullable };
}

export function enumColumn(
  queryRunner: QueryRunner,
  name: string,
  values: readonly string[],
  options: Partial<TableColumnOptions> = {},
): TableColumnOptions {
  // `simple-enum` is sent verbatim to MySQL/MariaDB and fails there; `enum` is native there.
  return { name, type: isMysqlFamily(queryRunner) ? 'enum' : 'simple-enum', enum: [...values], ...options };
}

export function booleanColumn(name: string, defaultValue: boolean): TableColumnOptions {
  return { name, type: 'boolean', default: defaultValue ? 1 : 0 };
}

export function moneyColumn(name: string, isNullable = false): TableColumnOptions {
  return { name, type: 'decimal', precision: 10, scale: 2, isNullable };
}

export function createdAtColumn(queryRunner: QueryRunner, name = 'createdAt'): TableColumnOptions {
  const mapped = queryRunner.connection.driver.mappedDataTypes;
  return {
    name,
    type: mapped.createDate as string,
    precision: mapped.createDatePrecision,
    default: mapped.createDateDefault,
  };
}

export function updatedAtColumn(queryRunner: QueryRunner, name = 'updatedAt'): TableColumnOptions {
  const mapped = queryRunner.connection.driver.mappedDataTypes;
  const options: TableColumnOptions = {
    name,
    type: mapped.updateDate as string,
    precision: mapped.updateDatePrecision,
    default: mapped.updateDateDefault,
  };
  // MySQL keeps updatedAt current itself; the entity's @UpdateDateColumn says the same.
  return isMysqlFamily(queryRunner) ? { ...options, onUpdate: mapped.updateDateDefault } : options;
}
