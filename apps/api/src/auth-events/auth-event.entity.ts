import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuthEventType } from './auth-event-types.js';

/**
 * One security event: a sign-in, a refused credential, an access change. No foreign keys, as for
 * the prediction log: the audit trail must never block (or lose rows with) changes to users or keys.
 */
@Entity({ name: 'auth_events' })
@Index('IDX_auth_events_at', ['at'])
@Index('IDX_auth_events_subjectUserId_id', ['subjectUserId', 'id'])
@Index('IDX_auth_events_type_id', ['type', 'id'])
@Index('IDX_auth_events_address_id', ['address', 'id'])
export class AuthEvent {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 32 })
  type: AuthEventType;

  /** Who did it: the signed-in user, or null (a sign-in attempt, a refused credential). */
  @Column({ type: 'integer', nullable: true })
  actorId: number | null;

  /** Whose account it is about. */
  @Column({ type: 'integer', nullable: true })
  subjectUserId: number | null;

  @Column({ type: 'integer', nullable: true })
  apiKeyId: number | null;

  /** The client address as the app reads it (request.ip, after TRUST_PROXY). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  /** The event's particulars (a reason, a role change's from and to, a key's scopes), as JSON text. */
  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, unknown> | null;

  /** When it happened (set by the writer: not the time of the buffered INSERT). */
  @CreateDateColumn()
  at: Date;
}
