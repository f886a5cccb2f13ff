import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type EntityManager, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { pageOffset, parseSort, type PageQueryDto } from '@app/common';
import { containsInAny, updateColumns } from '@app/database';
import type { Role } from '@app/common';
import { User } from './user.entity.js';

export interface UserFilter {
  isActive?: boolean;
  role?: Role;
  search?: string;
  sort?: string;
}

/** The users table's queries, named for what they are for. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async exists(id: number): Promise<boolean> {
    return (await this.users.countBy({ id })) > 0;
  }

  /** `login` is a username (any case) or an email. */
  findByLogin(login: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .where('LOWER(user.username) = :login OR user.email = :login', { login: login.trim().toLowerCase() })
      .getOne();
  }

  /** The users that already hold one of these usernames (any case) or emails. */
  findHoldersOf(usernames: string[], emails: string[], exceptId?: number): Promise<User[]> {
    const query = this.users.createQueryBuilder('user').where(
      new Brackets((where) => {
        if (usernames.length)
          where.orWhere('LOWER(user.username) IN (:...usernames)', {
            usernames: usernames.map((name) => name.toLowerCase()),
          });
        if (emails.length) where.orWhere('user.email IN (:...emails)', { emails });
      }),
    );
    if (exceptId !== undefined) query.andWhere('user.id <> :exceptId', { exceptId });
    return query.getMany();
  }

  async existsActiveAdmin(): Promise<boolean> {
    return (await this.users.countBy({ role: 'admin', isActive: true })) > 0;
  }

  async list(filter: UserFilter, page: PageQueryDto): Promise<[User[], number]> {
    const query = this.users.createQueryBuilder('user');
    if (filter.isActive !== undefined) query.andWhere('user.isActive = :isActive', { isActive: filter.isActive });
    if (filter.role) query.andWhere('user.role = :role', { role: filter.role });
    if (filter.search) {
      query.andWhere(containsInAny(['user.username', 'user.email', 'user.fullName'], filter.search));
    }
    const { field, direction } = parseSort(filter.sort, { field: 'id', direction: 'ASC' });
    query.orderBy(`user.${field}`, direction);
    if (field !== 'id') query.addOrderBy('user.id', 'ASC');
    const { skip, take } = pageOffset(page);
    return query.skip(skip).take(take).getManyAndCount();
  }

  create(fields: Partial<User>): User {
    return this.users.create(fields);
  }

  /**
   * Writes only these columns (never a whole row read earlier, which would undo a concurrent
   * write of the others: a deactivation, a role change). With `unlessPasswordHashChanged`, a
   * compare-and-set on the hash the caller checked the current password against. True when a row
   * matched.
   */
  updateColumns(
    id: number,
    changes: QueryDeepPartialEntity<User>,
    unlessPasswordHashChanged?: string,
  ): Promise<boolean> {
    const guard =
      unlessPasswordHashChanged === undefined
        ? undefined
        : { sql: 'passwordHash = :checkedHash', parameters: { checkedHash: unlessPasswordHashChanged } };
    return updateColumns(this.users.manager, User, id, changes, guard);
  }

  /**
   * Inserts all rows with the caller's transaction. It saves copies: `save` writes the new ids into
   * what it saves, and a retried unit must insert the caller's rows again, not update them.
   */
  saveAll(manager: EntityManager, users: User[]): Promise<User[]> {
    const repository = manager.getRepository(User);
    return repository.save(users.map((user) => repository.create({ ...user })));
  }
}
