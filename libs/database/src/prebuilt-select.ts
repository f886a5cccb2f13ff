import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { asSqliteInteger } from './sqlite-statement-reuse.js';

/**
 * One entity's columns in a SELECT whose text is written once, and the hydration of its rows.
 * TypeORM's SelectQueryBuilder rebuilds its text and re-derives its aliases and joins on every
 * execution, and its hydration walks the expression map per row (profiled: about 40 % of a
 * GET /products/:id). Here the select list is built once from the entity metadata (database
 * names, escaped by the driver) and every value goes through the driver's own
 * `prepareHydratedValue`, which is what the query builder's hydration calls per column (dates,
 * booleans, transformers, nulls), so the entity is the one the query builder would have made.
 */
export class SelectedEntity<T extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  /** Each column with the result key it is selected as (`alias_databaseName`, unique across aliases). */
  private readonly columns: { column: ColumnMetadata; key: string }[];
  /** `"alias"."column" AS "alias_column", …`, for the statement's select list. */
  readonly selectList: string;

  /** Whether the primary key is selected: an entity is told from an outer join's miss by it. */
  private readonly hydratable: boolean;

  /** `properties`: the columns to select (all of the entity's by default; none for a table only joined through). */
  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
    readonly alias: string,
    properties?: readonly (keyof T & string)[],
  ) {
    this.metadata = dataSource.getMetadata(entity);
    const columns = properties
      ? properties.map((property) => this.columnOf(property))
      : this.metadata.columns.filter((column) => !column.isVirtual);
    this.columns = columns.map((column) => ({ column, key: `${alias}_${column.databaseName}` }));
    this.hydratable = this.metadata.primaryColumns.every((primary) => columns.includes(primary));
    const escape = (name: string) => dataSource.driver.escape(name);
    this.selectList = this.columns
      .map(({ column, key }) => `${escape(alias)}.${escape(column.databaseName)} AS ${escape(key)}`)
      .join(', ');
  }

  /** The escaped table name and alias, for a FROM or JOIN: `"products" "product"`. */
  get table(): string {
    return `${this.dataSource.driver.escape(this.metadata.tableName)} ${this.dataSource.driver.escape(this.alias)}`;
  }

  /** The escaped, qualified column of a property: `"product"."sku"`. */
  column(property: keyof T & string): string {
    const { driver } = this.dataSource;
    return `${driver.escape(this.alias)}.${driver.escape(this.columnOf(property).databaseName)}`;
  }

  /**
   * The entity this row holds, or null when its primary key is NULL (an outer join that matched
   * nothing: the query builder makes that relation null too).
   */
  hydrate(row: Record<string, unknown>): T | null {
    if (!this.hydratable) throw new Error(`${this.metadata.name} is hydrated without its primary key selected`);
    if (this.metadata.primaryColumns.some((primary) => row[`${this.alias}_${primary.databaseName}`] == null))
      return null;
    const entity = this.metadata.create(undefined, { fromDeserializer: true }) as T;
    const driver = this.dataSource.driver;
    for (const { column, key } of this.columns)
      column.setEntityValue(entity, driver.prepareHydratedValue(row[key], column));
    return entity;
  }

  private columnOf(property: string): ColumnMetadata {
    const column = this.metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
    return column;
  }
}

/**
 * Runs a prebuilt SELECT (`?` placeholders, on SQLite and MySQL/MariaDB alike) where a query
 * builder's read would run: on a query runner for reads (a replica when replication is on; the
 * shared runner, with its statement cache, on SQLite), released afterwards. On SQLite a safe
 * integer is bound as a BigInt, as the statement reuse binds the query builder's (an INTEGER, not
 * a REAL); the query builder's parameter path, which does that, is not taken here.
 */
export async function runPrebuiltRead(
  dataSource: DataSource,
  sql: string,
  parameters: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  const bound = dataSource.options.type === 'better-sqlite3' ? parameters.map(asSqliteInteger) : [...parameters];
  const runner = dataSource.createQueryRunner(dataSource.defaultReplicationModeForReads());
  try {
    return (await runner.query(sql, bound)) as Record<string, unknown>[];
  } finally {
    await runner.release();
  }
}
