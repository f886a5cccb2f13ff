import type { EntityManager } from 'typeorm';

/**
 * A time to compare a timestamp column with (`createdAt >= :from`). MySQL/MariaDB get the Date
 * (mysql2 writes it in UTC, the connection's zone). SQLite stores timestamps as text,
 * `YYYY-MM-DD HH:MM:SS` with or without `.fff`, compared as strings: the bound is written the same
 * way, and without `.000`, because `'…:00' < '…:00.000'` as text would exclude a row stored at
 * exactly that second from `>=` (every other case compares as the times do).
 */
export function timestampParameter(manager: EntityManager, time: Date): Date | string {
  const type = manager.connection.options.type;
  if (type === 'mysql' || type === 'mariadb') return time;
  return time
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$|Z$/, '');
}
