import { BufferedWriter } from '@app/common';
import { classifyDbError } from './db-errors.js';

/** A table that takes a writer's rows: one multi-row INSERT per chunk (a PrebuiltInsert behind it). */
export interface RowTable<R> {
  insertMany(rows: R[]): Promise<void>;
  /** False once the data source is closed (late in shutdown): writes cannot succeed then. */
  isConnected(): boolean;
}

/**
 * A BufferedWriter whose store is a database table (the prediction log, security events): a chunk is
 * one INSERT, and the store counts as unavailable (retry, keep the rows) when the database cannot be
 * reached or the data source is already closed — any other error refuses the data.
 */
export abstract class TableWriter<T, R = T> extends BufferedWriter<T, R> {
  protected abstract readonly table: RowTable<R>;

  write(rows: R[]): Promise<void> {
    return this.table.insertMany(rows);
  }

  isUnavailable(error: unknown): boolean {
    return classifyDbError(error) === 'unavailable' || !this.table.isConnected();
  }
}
