import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { ApiKeyScope } from '@app/http/auth-metadata/auth-user.js';
import { User } from '../../users/user.entity.js';

const scopesTransformer = {
  to: (scopes: ApiKeyScope[]) => scopes.join(','),
  from: (value: string) => (value ? (value.split(',') as ApiKeyScope[]) : []),
};

// Names are explicit and the same in the migration, so the drift check agrees on both engines.
@Entity({ name: 'api_keys' })
@Index('UQ_api_keys_keyHash', ['keyHash'], { unique: true })
@Index('IDX_api_keys_userId', ['userId'])
export class ApiKey {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_api_keys_userId' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The first characters of the key (`ak_` and 8 more), to recognise it in lists; not a secret. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  @Column({ type: 'varchar', length: 64 })
  keyHash: string;

  /** Comma-separated scopes (`predict,read`). */
  @Column({ type: 'varchar', length: 64, transformer: scopesTransformer })
  scopes: ApiKeyScope[];

  /** ISO 8601 strings (as the jobs' times are): they compare as text in UTC. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  expiresAt: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  lastUsedAt: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  revokedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
