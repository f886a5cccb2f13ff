import { LRUCache } from 'lru-cache';
import type { EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { asSqliteInteger, SelectedEntity, updatedAtNow } from '@app/database';
import { Product } from './product.entity.js';

/** What the order transaction needs to know of a product. */
export interface StockRow {
  id: number;
  name: string;
  price: number;
  stockQuantity: number;
  isActive: boolean;
}

/** One line of an order, as the stock sees it. */
export interface StockLine {
  productId: number;
  quantity: number;
}

/** What an order copies from a product: the name, and the price in cents. */
export interface OrderTerms {
  id: number;
  name: string;
  price: number;
}

const STOCK_COLUMNS = ['id', 'name', 'price', 'stockQuantity', 'isActive'] as const;
/** Products whose last-seen terms are kept: far more than an order load keeps hot. */
const KNOWN_TERMS = 10_000;

/**
 * The statements an order runs on the product rows, their text written once per line count.
 * Through TypeORM's find and update builders they re-derived metadata, aliases and parameter names
 * on every order (profiled: the order's largest share of TypeORM's CPU); values still go through
 * the driver's conversions (SelectedEntity, preparePersistentValue), so prices and booleans
 * convert as before.
 *
 * The terms (name, price) last read of each product are remembered, so that an order whose
 * products are all known takes its stock in ONE statement: the UPDATE changes a row only if it is
 * active, has the stock, and still carries exactly the remembered name and price, which the row
 * lock it takes then holds until commit. A stale memory costs a retry, never a wrong order.
 */
export class StockStatements {
  private selected: SelectedEntity<Product> | undefined;
  private readonly lockText = new Map<number, string>();
  private readonly takeText = new Map<string, string>();
  private readonly known = new LRUCache<number, OrderTerms>({ max: KNOWN_TERMS });
  /** The columns whose values the driver converts (a boolean, cents to a decimal), resolved once. */
  private convertedColumns: ConvertedColumns | undefined;

  /** The remembered terms of every one of these products, or undefined when one is not known. */
  knownTerms(ids: number[]): Map<number, OrderTerms> | undefined {
    const terms = new Map<number, OrderTerms>();
    for (const id of ids) {
      const known = this.known.get(id);
      if (!known) return undefined;
      terms.set(id, known);
    }
    return terms;
  }

  forgetTerms(ids: number[]): void {
    for (const id of ids) this.known.delete(id);
  }

  /**
   * The rows, ascending by id, locked until commit: `SELECT … FOR UPDATE` on MySQL/MariaDB (every
   * order locks in the same order, so they queue instead of deadlocking); on SQLite the single
   * writer stands in for the locks.
   */
  async lock(manager: EntityManager, ids: number[]): Promise<StockRow[]> {
    if (ids.length === 0) return [];
    const selected = (this.selected ??= new SelectedEntity(manager.connection, Product, 'product', STOCK_COLUMNS));
    let text = this.lockText.get(ids.length);
    if (text === undefined) {
      const id = selected.column('id');
      const lock = isSqlite(manager) ? '' : ' FOR UPDATE';
      text =
        `SELECT ${selected.selectList} FROM ${selected.table} ` +
        `WHERE ${id} IN (${marks(ids.length)}) ORDER BY ${id} ASC${lock}`;
      this.lockText.set(ids.length, text);
    }
    const rows = await manager.query<Record<string, unknown>[]>(text, bind(manager, ids));
    return rows.map((row) => {
      const product = selected.hydrate(row)!;
      const { id, name, price, stockQuantity } = product;
      this.known.set(id, { id, name, price });
      return { id, name, price, stockQuantity, isActive: Boolean(product.isActive) };
    });
  }

  /**
   * Takes every line's quantity in one UPDATE (`stockQuantity - CASE id WHEN … END`), only from
   * active rows that have it and, when `terms` are given, still carry exactly those names and
   * prices. True when every line's row changed.
   */
  async take(manager: EntityManager, lines: StockLine[], terms?: Map<number, OrderTerms>): Promise<boolean> {
    const text = this.takeTextFor(manager, lines.length, terms !== undefined);
    const { driver } = manager.connection;
    const columns = (this.convertedColumns ??= convertedColumns(manager));
    const cases = lines.flatMap((line) => [line.productId, line.quantity]);
    const parameters: unknown[] = [...cases, ...lines.map((line) => line.productId)];
    parameters.push(driver.preparePersistentValue(true, columns.isActive), ...cases);
    if (terms) {
      const termOf = (line: StockLine) => terms.get(line.productId)!;
      parameters.push(
        ...lines.flatMap((line) => [line.productId, driver.preparePersistentValue(termOf(line).price, columns.price)]),
        ...lines.flatMap((line) => [line.productId, termOf(line).name]),
      );
    }
    // The structured result carries the changed rows on every driver (the plain one only on MySQL).
    if (!manager.queryRunner) throw new Error('Stock is taken inside a transaction');
    const result = await manager.queryRunner.query(text, bind(manager, parameters), true);
    return result.affected === lines.length;
  }

  private takeTextFor(manager: EntityManager, count: number, withTerms: boolean): string {
    const shape = `${count}:${withTerms}`;
    let text = this.takeText.get(shape);
    if (text === undefined) {
      const table = manager.connection.driver.escape(manager.connection.getMetadata(Product).tableName);
      const byId = `CASE id ${Array.from({ length: count }, () => 'WHEN ? THEN ?').join(' ')} END`;
      // The name compared byte for byte: MySQL's default collation would take 'Mug' for 'mug'.
      const exact = isSqlite(manager) ? '' : ' COLLATE utf8mb4_bin';
      const termsMatch = withTerms ? ` AND price = ${byId} AND name = ${byId}${exact}` : '';
      // By the primary key on MySQL/MariaDB: every order then locks rows before any index entry, in
      // ascending id. Through the isActive index (the optimizer's pick on a small table) the UPDATE
      // locked the index entry first, and deadlocked with an order holding the row from its
      // SELECT … FOR UPDATE (test/e2e/orders-lock-order.e2e.spec.ts).
      const byPrimaryKey = isSqlite(manager) ? '' : ' FORCE INDEX (PRIMARY)';
      text =
        `UPDATE ${table}${byPrimaryKey} SET stockQuantity = stockQuantity - ${byId}, ` +
        `updatedAt = ${updatedAtNow(manager)()} ` +
        `WHERE id IN (${marks(count)}) AND isActive = ? AND stockQuantity >= ${byId}${termsMatch}`;
      this.takeText.set(shape, text);
    }
    return text;
  }
}

interface ConvertedColumns {
  isActive: ColumnMetadata;
  price: ColumnMetadata;
}

function convertedColumns(manager: EntityManager): ConvertedColumns {
  const metadata = manager.connection.getMetadata(Product);
  const column = (property: keyof ConvertedColumns) => metadata.findColumnWithPropertyName(property)!;
  return { isActive: column('isActive'), price: column('price') };
}

function isSqlite(manager: EntityManager): boolean {
  return manager.connection.options.type === 'better-sqlite3';
}

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** On SQLite whole numbers bind as INTEGER, as the query builder's statements bind them. */
function bind(manager: EntityManager, values: unknown[]): unknown[] {
  return isSqlite(manager) ? values.map(asSqliteInteger) : values;
}
