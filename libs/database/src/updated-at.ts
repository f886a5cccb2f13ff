import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';

/**
 * The `updatedAt` value for an UPDATE: the database's clock with sub-second precision (microseconds
 * on MySQL/MariaDB, milliseconds on SQLite, the same as the inserts), and never earlier than the
 * value it replaces. Without it TypeORM writes `CURRENT_TIMESTAMP`, whole seconds, into a column
 * inserted with microseconds, so an update could move `updatedAt` backwards.
 */
export function updatedAtNow(manager: EntityManager, column = 'updatedAt'): () => string {
  const type = manager.connection.options.type;
  const mysqlFamily = type === 'mysql' || type === 'mariadb';
  return mysqlFamily
    ? () => `GREATEST(${column}, CURRENT_TIMESTAMP(6))`
    : () => `MAX(${column}, strftime('%Y-%m-%d %H:%M:%f', 'now'))`;
}

/**
 * UPDATE of only the given columns of one row (by id), with `updatedAt` as above. Use it instead
 * of `save()` of a row read earlier, which writes back every column and so undoes what another
 * request changed meanwhile. `extraWhere` makes it a compare-and-set. True when a row matched.
 */
export async function updateColumns<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: number,
  changes: QueryDeepPartialEntity<T>,
  extraWhere?: { sql: string; parameters: Record<string, unknown> },
): Promise<boolean> {
  const query = manager
    .createQueryBuilder()
    .update(entity)
    .set({ ...changes, updatedAt: updatedAtNow(manager) })
    .where('id = :id', { id });
  if (extraWhere) query.andWhere(extraWhere.sql, extraWhere.parameters);
  const result = await query.execute();
  return (result.affected ?? 0) > 0;
}
