import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  toPage,
  validateAs,
  ValidationFailedError,
  type Page,
} from '@app/common';
import { UnitOfWork } from '@app/database';
import type { QueryDeepPartialEntity } from 'typeorm';
import { isAdmin, type Actor, type Role, type TokenSubject } from '@app/common';
import { CreateUserDto } from './dto/create-user.dto.js';
import type { ListUsersQueryDto } from './dto/list-users.query.js';
import type { RegisterDto } from './dto/register.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { toUserResponse, type UserResponseDto } from './dto/user-response.dto.js';
import { AuthUserCache } from './auth-user-cache.js';
import { PasswordHasher } from './password-hasher.js';
import type { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { AuthEventsService } from '../auth-events/auth-events.service.js';
import type { LoginFailure } from '../auth-events/auth-event-types.js';
import type { RequestOrigin } from '../auth-events/request-origin.js';
import { accountChangeEvents } from './account-change-events.js';
import { checkCurrentPassword } from './current-password.js';
import { refuseDuplicatesWithin, refuseTaken } from './user-uniqueness.js';

type NewUser = RegisterDto & { role?: Role; bio?: string };

@Injectable()
export class UsersService {
  private readonly authUsers = new AuthUserCache();

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly authEvents: AuthEventsService,
  ) {}

  /** Self-registration always makes a customer. */
  register(dto: RegisterDto): Promise<UserResponseDto> {
    return this.create({ ...dto, role: 'customer' });
  }

  /**
   * An admin from the CLI or the boot settings; the same password rules as the API apply, so a
   * weak password is refused here too.
   */
  async createAdmin(fields: { username: string; email: string; password: string }): Promise<UserResponseDto> {
    const checked = validateAs(CreateUserDto, {
      username: fields.username,
      email: fields.email,
      password: fields.password,
      role: 'admin',
    });
    // The message names every problem: the CLI and the boot log show only the message.
    if (!checked.ok)
      throw new ValidationFailedError(checked.details, checked.details.map((detail) => detail.message).join('; '));
    return this.create({ ...fields, email: fields.email.trim().toLowerCase(), role: 'admin' });
  }

  async create(dto: NewUser): Promise<UserResponseDto> {
    const [created] = await this.createMany([dto]);
    return created;
  }

  /** All or nothing: one transaction, and a 409 that names the value already taken. */
  async createMany(dtos: NewUser[]): Promise<UserResponseDto[]> {
    refuseDuplicatesWithin(dtos);
    await refuseTaken(
      this.users,
      dtos.map((dto) => dto.username),
      dtos.map((dto) => dto.email),
    );
    const rows = await Promise.all(dtos.map((dto) => this.toNewRow(dto)));
    const saved = await this.unitOfWork.run((manager) => this.users.saveAll(manager, rows));
    return saved.map(toUserResponse);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const [rows, total] = await this.users.list(query, query);
    return toPage(rows.map(toUserResponse), total, query);
  }

  /** 404 unless the user exists (active or not); for other modules that reference users. */
  async assertExists(id: number): Promise<void> {
    if (!(await this.users.exists(id))) throw new NotFoundError('USER_NOT_FOUND', 'User', id);
  }

  async get(id: number, actor: Actor): Promise<UserResponseDto> {
    assertOwnerOrAdmin(actor, id);
    return toUserResponse(await this.getRow(id));
  }

  /**
   * Writes only the fields sent (see UsersRepository.updateColumns). Changing one's own password,
   * email or username needs `currentPassword` (400 when missing, 403 when wrong); an admin editing
   * another user does not. A new password or `isActive: false` bumps `tokenVersion`, revoking every
   * token issued before.
   */
  async update(id: number, dto: UpdateUserDto, actor: Actor, origin: RequestOrigin): Promise<UserResponseDto> {
    assertOwnerOrAdmin(actor, id);
    if (!isAdmin(actor) && (dto.role !== undefined || dto.isActive !== undefined)) {
      throw new ForbiddenError('AUTH_ROLE_REQUIRED', 'Only an admin may change role or isActive');
    }
    const user = await this.getRow(id);
    const { password, currentPassword, ...fields } = dto;
    const changesCredentials =
      password !== undefined ||
      (dto.email !== undefined && dto.email !== user.email) ||
      (dto.username !== undefined && dto.username !== user.username);
    const checkedHash =
      actor.id === id && changesCredentials
        ? await checkCurrentPassword(this.passwords, user, currentPassword)
        : undefined;
    await refuseTaken(this.users, dto.username ? [dto.username] : [], dto.email ? [dto.email] : [], id);
    const changes: QueryDeepPartialEntity<User> = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    );
    if (password !== undefined) changes.passwordHash = await this.passwords.hash(password);
    if (password !== undefined || dto.isActive === false) changes.tokenVersion = () => 'tokenVersion + 1';
    if (Object.keys(changes).length > 0 && !(await this.users.updateColumns(id, changes, checkedHash))) {
      this.forgetAuthUser(id);
      // The row matched before: either it is gone, or the password changed since it was checked.
      if (checkedHash !== undefined && (await this.users.findById(id)))
        throw new ConflictError('USER_CHANGED_MEANWHILE', 'The password changed meanwhile; check it and try again');
      throw new NotFoundError('USER_NOT_FOUND', 'User', id);
    }
    this.forgetAuthUser(id);
    for (const event of accountChangeEvents(user, dto))
      this.authEvents.record({ ...event, origin, actorId: actor.id, subjectUserId: id });
    return toUserResponse(await this.getRow(id));
  }

  /**
   * Soft delete: the row stays for orders and history, but the user can no longer log in, and its tokens stop working.
   */
  async deactivate(id: number, actor: Actor, origin: RequestOrigin): Promise<void> {
    const changed = await this.users.updateColumns(id, { isActive: false, tokenVersion: () => 'tokenVersion + 1' });
    this.forgetAuthUser(id);
    if (!changed) throw new NotFoundError('USER_NOT_FOUND', 'User', id);
    this.authEvents.record({ type: 'user_deactivated', origin, actorId: actor.id, subjectUserId: id });
  }

  /**
   * The caller behind valid credentials, or why not (for the audit trail only: the client gets one
   * answer for all three). The password is checked even for an unknown account, so timing tells nothing.
   */
  async checkCredentials(
    login: string,
    password: string,
  ): Promise<{ user: TokenSubject } | { failure: LoginFailure; userId?: number }> {
    const user = await this.users.findByLogin(login);
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!user) return { failure: 'unknown_account' };
    if (!matches) return { failure: 'wrong_password', userId: user.id };
    if (!user.isActive) return { failure: 'inactive', userId: user.id };
    return { user: toTokenSubject(user) };
  }

  /** The active user behind a token's `sub`, with its current `tokenVersion`; cached for AUTH_USER_TTL_MS. */
  findActiveAuthUser(id: number): Promise<TokenSubject | undefined> {
    return this.authUsers.get(id, async (userId) => {
      const user = await this.users.findById(userId);
      return user?.isActive ? toTokenSubject(user) : undefined;
    });
  }

  async getActiveUser(id: number): Promise<UserResponseDto> {
    const user = await this.users.findById(id);
    if (!user?.isActive) throw new NotFoundError('USER_NOT_FOUND', 'User', id);
    return toUserResponse(user);
  }

  existsActiveAdmin(): Promise<boolean> {
    return this.users.existsActiveAdmin();
  }

  private forgetAuthUser(id: number): void {
    this.authUsers.forget(id);
  }

  private async getRow(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('USER_NOT_FOUND', 'User', id);
    return user;
  }

  private async toNewRow(dto: NewUser): Promise<User> {
    return this.users.create({
      username: dto.username,
      email: dto.email,
      passwordHash: await this.passwords.hash(dto.password),
      fullName: dto.fullName ?? null,
      bio: dto.bio ?? null,
      role: dto.role ?? 'customer',
      isActive: true,
    });
  }
}

function toTokenSubject(user: User): TokenSubject {
  return { id: user.id, username: user.username, role: user.role, tokenVersion: user.tokenVersion };
}

/** Owner routes: the row's own user, or an admin. */
export function assertOwnerOrAdmin(actor: Actor, ownerId: number): void {
  if (!isAdmin(actor) && actor.id !== ownerId)
    throw new ForbiddenError('AUTH_NOT_OWNER', 'You may only access your own resources');
}
