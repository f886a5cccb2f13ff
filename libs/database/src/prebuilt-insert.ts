import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * A multi-row INSERT of fixed columns written once per row count and run through the driver with
 * plain parameters. TypeORM's InsertQueryBuilder re-derives metadata, parameter names and value
 * expressions on every execution (profiled: 9–14 % of a predict, for the prediction log's batched
 * INSERT). Each value is converted exactly as the query builder converts it, by the driver's
 * `preparePersistentValue` (booleans, dates, transformers), so the rows stored are the same; all
 * values are bound, on every engine (`?` placeholders: SQLite and MySQL/MariaDB alike).
 */
export class PrebuiltInsert<T extends ObjectLiteral> {
  private readonly textByRows = new Map<number, string>();
  private columns: ColumnMetadata[] | undefined;

  /** `maxRows`: the largest row count whose text is kept (a caller's chunk size). */
  constructor(
    private readonly entity: EntityTarget<T>,
    private readonly properties: readonly (keyof T & string)[],
    private readonly maxRows: number,
  ) {}

  async insert(manager: EntityManager, rows: Partial<T>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += this.maxRows)
      await this.insertChunk(manager, rows.slice(start, start + this.maxRows));
  }

  /**
   * The same, returning the rows' generated (auto-increment) ids in row order, without reading
   * them back: the driver derives them from what the INSERT reported, exactly as TypeORM's own
   * bulk insert does (MySQL/MariaDB: the first row's id, consecutive within one statement under
   * innodb_autoinc_lock_mode 0 or 1; SQLite: the last row's id, the rows before it just below).
   */
  async insertReturningIds(manager: EntityManager, rows: Partial<T>[]): Promise<number[]> {
    const driver = manager.connection.driver;
    const primary = manager.connection.getMetadata(this.entity).primaryColumns[0];
    const ids: number[] = [];
    for (let start = 0; start < rows.length; start += this.maxRows) {
      const chunk = rows.slice(start, start + this.maxRows);
      const reported = await this.insertChunk(manager, chunk);
      for (let index = 0; index < chunk.length; index += 1) {
        const generated = driver.createGeneratedMap(primary.entityMetadata, reported, index, chunk.length);
        ids.push(Number(generated ? primary.getEntityValue(generated) : Number.NaN));
      }
    }
    if (ids.some((id) => !Number.isSafeInteger(id))) throw new Error('The INSERT reported no generated ids');
    return ids;
  }

  /** Runs one INSERT; what the driver reports for it (MySQL: the result header, SQLite: the last row id). */
  private async insertChunk(manager: EntityManager, rows: Partial<T>[]): Promise<unknown> {
    const driver = manager.connection.driver;
    const columns = (this.columns ??= this.resolveColumns(manager));
    const parameters: unknown[] = [];
    for (const row of rows)
      for (const column of columns)
        parameters.push(driver.preparePersistentValue(row[column.propertyName as keyof T], column) ?? null);
    return manager.query(this.text(manager, rows.length), parameters);
  }

  private text(manager: EntityManager, rows: number): string {
    let text = this.textByRows.get(rows);
    if (text === undefined) {
      const driver = manager.connection.driver;
      const metadata = manager.connection.getMetadata(this.entity);
      const row = `(${this.columns!.map(() => '?').join(', ')})`;
      const columns = this.columns!.map((column) => driver.escape(column.databaseName)).join(', ');
      const values = Array.from({ length: rows }, () => row).join(', ');
      text = `INSERT INTO ${driver.escape(metadata.tableName)} (${columns}) VALUES ${values}`;
      this.textByRows.set(rows, text);
    }
    return text;
  }

  private resolveColumns(manager: EntityManager): ColumnMetadata[] {
    const metadata = manager.connection.getMetadata(this.entity);
    return this.properties.map((property) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${metadata.name} has no column ${property}`);
      return column;
    });
  }
}
