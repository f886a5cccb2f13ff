import type { DatabaseSchema } from '@app/database';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** The schema both apps open the database with (DatabaseModule.forRoot): every entity, every migration. */
export const SCHEMA: DatabaseSchema = { entities: ENTITIES, migrations: MIGRATIONS };
