import { EntitySchema } from 'typeorm';

/**
 * The users table as the serving lib sees it: only its key. ModelEvent relates to `'User'` by name
 * (so this lib never imports apps/api's users module), and TypeORM needs an entity of that name at
 * metadata build. The API registers its real User entity; the worker, which never reads users,
 * registers this instead. Never register both: they share the name. The drift check runs on the
 * API's schema, where the real entity stands.
 */
export const USER_REFERENCE = new EntitySchema<{ id: number }>({
  name: 'User',
  tableName: 'users',
  columns: { id: { type: 'integer', primary: true, generated: 'increment' } },
});
