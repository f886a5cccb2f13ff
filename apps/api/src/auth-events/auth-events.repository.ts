import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { PrebuiltInsert } from '@app/database';
import { AuthEvent } from './auth-event.entity.js';
import type { AuthEventType } from './auth-event-types.js';

export type NewAuthEventRow = Omit<AuthEvent, 'id'>;

const COLUMNS = [
  'type',
  'actorId',
  'subjectUserId',
  'apiKeyId',
  'address',
  'userAgent',
  'requestId',
  'details',
  'at',
] as const satisfies readonly (keyof NewAuthEventRow)[];

/** The writer's chunks (AUTH_EVENT_CHUNK_ROWS) fit in one statement. */
const MAX_ROWS_PER_INSERT = 200;

export interface AuthEventFilter {
  types?: readonly AuthEventType[];
  /** Events about this user, or done by them. */
  userId?: number;
  /** Only events about this user (the caller's own list). */
  subjectUserId?: number;
  address?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuthEventsRepository {
  private readonly inserts = new PrebuiltInsert<AuthEvent>(AuthEvent, COLUMNS, MAX_ROWS_PER_INSERT);

  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  async insertMany(rows: NewAuthEventRow[]): Promise<void> {
    await this.inserts.insert(this.events.manager, rows);
  }

  /** False once the data source is closed (late in shutdown): writes cannot succeed then. */
  isConnected(): boolean {
    return this.events.manager.connection.isInitialized;
  }

  /** Newest first. */
  list(filter: AuthEventFilter, page: PageQueryDto): Promise<[AuthEvent[], number]> {
    const query = this.events.createQueryBuilder('event');
    if (filter.types) query.andWhere('event.type IN (:...types)', { types: filter.types });
    if (filter.userId !== undefined)
      query.andWhere('(event.subjectUserId = :userId OR event.actorId = :userId)', { userId: filter.userId });
    if (filter.subjectUserId !== undefined)
      query.andWhere('event.subjectUserId = :subject', { subject: filter.subjectUserId });
    if (filter.address !== undefined) query.andWhere('event.address = :address', { address: filter.address });
    if (filter.from) query.andWhere('event.at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('event.at <= :to', { to: filter.to });
    const { skip, take } = pageOffset(page);
    return query.orderBy('event.at', 'DESC').addOrderBy('event.id', 'DESC').skip(skip).take(take).getManyAndCount();
  }
}
