import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ROLES, type Role } from '@app/common';

// Indexes carry explicit names, the same in the migration, so the drift check agrees on both engines.
@Entity({ name: 'users' })
@Index('UQ_users_username', ['username'], { unique: true })
@Index('UQ_users_email', ['email'], { unique: true })
@Index('IDX_users_role_isActive', ['role', 'isActive'])
export class User {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 50 })
  username: string;

  /** Stored lower-case, so uniqueness does not depend on the engine's collation. */
  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  fullName: string | null;

  @Column({ type: 'text', nullable: true })
  bio: string | null;

  @Column({ type: 'simple-enum', enum: ROLES, default: 'customer' })
  role: Role;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  /** Tokens issued under an older value are revoked (password change, deactivation). */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
