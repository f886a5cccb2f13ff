import { Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The users table as the serving lib sees it: only its key. ModelEvent relates to `'User'` by name
 * (so this lib never imports apps/api's users module), and TypeORM needs an entity of that name at
 * metadata build. The API registers its real User entity; the worker, which never reads users,
 * registers this one instead. Never register both: they share the name. A decorated class, not an
 * EntitySchema: TypeORM builds the two kinds apart, and a class relation does not see a schema.
 * The drift check runs on the API's schema, where the real entity stands.
 */
@Entity({ name: 'users' })
class User {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;
}

export const USER_REFERENCE = User;
