import { QueryFailedError } from 'typeorm';

/** The database failures the API answers with a 4xx or 503 instead of a 500. */
export type DbErrorKind = 'unique' | 'foreign-key' | 'check' | 'unavailable';

const CODES: Record<string, DbErrorKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  ER_DUP_ENTRY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
  ER_NO_REFERENCED_ROW: 'foreign-key',
  ER_NO_REFERENCED_ROW_2: 'foreign-key',
  ER_ROW_IS_REFERENCED: 'foreign-key',
  ER_ROW_IS_REFERENCED_2: 'foreign-key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  ER_CONSTRAINT_FAILED: 'check',
  ER_CHECK_CONSTRAINT_VIOLATED: 'check',
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  ETIMEDOUT: 'unavailable',
  PROTOCOL_CONNECTION_LOST: 'unavailable',
  ER_CON_COUNT_ERROR: 'unavailable',
  ER_LOCK_WAIT_TIMEOUT: 'unavailable',
  // A query past DATABASE_QUERY_TIMEOUT_MS, and no pooled connection within the acquire bound.
  PROTOCOL_SEQUENCE_TIMEOUT: 'unavailable',
  POOL_ACQUIRE_TIMEOUT: 'unavailable',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const driverError = error instanceof QueryFailedError ? error.driverError : error;
  const code = (driverError as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What the drivers say of a connection that is gone, where they give no code to match on. */
const CONNECTION_GONE = new RegExp(
  'connection (is )?(closed|lost)|pool is closed|Queue limit reached|' +
    "Can't add new command when connection is in closed state",
  'i',
);

/**
 * SQLite's extended busy codes: SQLITE_BUSY_SNAPSHOT is what a transaction that read first gets when
 * another process wrote meanwhile (WAL; the busy timeout does not apply), and it is as retryable as
 * SQLITE_BUSY. One process never sees it (SqliteSerializer); two processes on one file do.
 */
const isSqliteBusy = (code: string | undefined) => code === 'SQLITE_BUSY' || code?.startsWith('SQLITE_BUSY_') === true;

export function classifyDbError(error: unknown): DbErrorKind | undefined {
  const code = codeOf(error);
  if (code && CODES[code]) return CODES[code];
  if (isSqliteBusy(code)) return 'unavailable';
  if (error instanceof Error && CONNECTION_GONE.test(error.message)) {
    return 'unavailable';
  }
  return undefined;
}

/** A deadlock or lock timeout that is safe to retry as a whole transaction. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || isSqliteBusy(code);
}
