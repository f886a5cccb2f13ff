import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError, ForbiddenError, NotFoundError, toPage, type Page } from '@app/common';
import { AUTH_USER_TTL_MS } from '../../users/auth-user-cache.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { isAdmin } from '@app/common';
import { API_KEY_PREFIX, isWellFormedApiKey } from '../credential.js';
import type { ApiKey } from './api-key.entity.js';
import { scopesAllowedFor } from './api-key-scopes.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { AuthEventsService } from '../../auth-events/auth-events.service.js';
import type { RequestOrigin } from '../../auth-events/request-origin.js';
import { CredentialRefused, type Refusal } from '../credential-refused.js';
import type {
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto.js';

/** lastUsedAt is written at most this often per key (per process), so using a key is not a write per call. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const MAX_CACHED = 10_000;

/**
 * API keys: `ak_` + 32 random bytes, shown once, stored as SHA-256. A plain hash is enough
 * because the key has 256 bits of entropy (nothing to brute-force, unlike a password), and it must
 * be: every request with a key is checked, and bcrypt's deliberate ~50-100 ms per check would cap
 * the API at a few dozen keyed calls per second per core; a salted hash could not be looked up by
 * index either. Rows are cached by hash for AUTH_USER_TTL_MS like token users, so a revocation made
 * through another process takes effect within that bound (through this one at once).
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly rows = new Map<string, { row: ApiKey | undefined; expires: number }>();
  private readonly lastWrites = new Map<number, number>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly authEvents: AuthEventsService,
  ) {}

  async create(dto: CreateApiKeyDto, actor: AuthUser, origin: RequestOrigin): Promise<CreatedApiKeyResponseDto> {
    const ownerId = dto.userId ?? actor.id;
    if (ownerId !== actor.id && !isAdmin(actor))
      throw new ForbiddenError('AUTH_ROLE_REQUIRED', 'Only an admin may create a key for another user');
    const owner = await this.users.findActiveAuthUser(ownerId);
    if (!owner) throw new NotFoundError('USER_NOT_FOUND', 'User', ownerId);
    const excess = dto.scopes.filter((scope) => !scopesAllowedFor(owner.role).includes(scope));
    if (excess.length)
      throw new ForbiddenError(
        'API_KEY_SCOPE_EXCEEDS_ROLE',
        `A ${owner.role} cannot hold a key with scope: ${excess.join(', ')}`,
      );
    const expiresAt = dto.expiresAt === undefined ? null : new Date(dto.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > Date.now()))
      throw new BadRequestError('API_KEY_EXPIRY_IN_PAST', 'expiresAt must be in the future', [
        { field: 'expiresAt', message: 'expiresAt must be in the future' },
      ]);
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.keys.insert({
      userId: ownerId,
      name: dto.name,
      prefix: key.slice(0, 11),
      keyHash: hashOf(key),
      scopes: dto.scopes,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
    this.authEvents.record({
      type: 'api_key_created',
      origin,
      actorId: actor.id,
      subjectUserId: ownerId,
      apiKeyId: row.id,
      details: { name: row.name, scopes: row.scopes, expiresAt: row.expiresAt },
    });
    return { ...toApiKeyResponse(row), key };
  }

  async list(query: ListApiKeysQueryDto, actor: AuthUser): Promise<Page<ApiKeyResponseDto>> {
    const userId = query.userId ?? actor.id;
    if (userId !== actor.id && !isAdmin(actor))
      throw new ForbiddenError('AUTH_ROLE_REQUIRED', "Only an admin may list another user's keys");
    const [rows, total] = await this.keys.listActive(userId, query);
    return toPage(rows.map(toApiKeyResponse), total, query);
  }

  /** A key that is not revoked, without its secret (the Location of a create). */
  async get(id: number, actor: AuthUser): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.visibleKey(id, actor));
  }

  async revoke(id: number, actor: AuthUser, origin: RequestOrigin): Promise<void> {
    const row = await this.visibleKey(id, actor);
    await this.keys.revoke(id, new Date().toISOString());
    this.rows.delete(row.keyHash);
    this.authEvents.record({
      type: 'api_key_revoked',
      origin,
      actorId: actor.id,
      subjectUserId: row.userId,
      apiKeyId: id,
    });
  }

  /** The owner or an admin; someone else's key answers 404, as a missing or revoked one does. */
  private async visibleKey(id: number, actor: AuthUser): Promise<ApiKey> {
    const row = await this.keys.findById(id);
    if (!row || row.revokedAt || (row.userId !== actor.id && !isAdmin(actor)))
      throw new NotFoundError('API_KEY_NOT_FOUND', 'API key', id);
    return row;
  }

  /** The caller behind a key: 401 for an unknown, revoked or expired key or an inactive owner. */
  async authenticate(key: string): Promise<AuthUser> {
    const row = isWellFormedApiKey(key) ? await this.cachedRow(hashOf(key)) : undefined;
    const now = new Date().toISOString();
    if (!row) throw refused({ reason: 'bad_signature' });
    const known = { subjectUserId: row.userId, apiKeyId: row.id };
    if (row.revokedAt) throw refused({ reason: 'revoked', ...known });
    if (row.expiresAt !== null && row.expiresAt <= now) throw refused({ reason: 'expired', ...known });
    const owner = await this.users.findActiveAuthUser(row.userId);
    if (!owner) throw refused({ reason: 'revoked', ...known });
    this.recordUse(row, now);
    return { id: owner.id, username: owner.username, role: owner.role, apiKey: { id: row.id, scopes: row.scopes } };
  }

  private async cachedRow(keyHash: string): Promise<ApiKey | undefined> {
    const cached = this.rows.get(keyHash);
    if (cached && cached.expires > Date.now()) return cached.row;
    const row = (await this.keys.findByHash(keyHash)) ?? undefined;
    if (this.rows.size > MAX_CACHED) this.rows.clear();
    this.rows.set(keyHash, { row, expires: Date.now() + AUTH_USER_TTL_MS });
    return row;
  }

  /**
   * Fire and forget, at most once a LAST_USED_WRITE_INTERVAL_MS per key: a failed write only loses a
   * timestamp. A throttle, not a queue, so not the WriteBehindBuffer: one UPDATE per key per minute,
   * nothing to batch (each key its own row), nothing worth retrying or bounding.
   */
  private recordUse(row: ApiKey, now: string): void {
    const last = this.lastWrites.get(row.id) ?? (row.lastUsedAt ? Date.parse(row.lastUsedAt) : 0);
    if (Date.now() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    if (this.lastWrites.size > MAX_CACHED) this.lastWrites.clear();
    this.lastWrites.set(row.id, Date.now());
    this.keys
      .touch(row.id, now)
      .catch((error: Error) => this.logger.warn(`Could not record an API key's last use: ${error.message}`));
  }
}

const refused = (refusal: Omit<Refusal, 'credential'>) =>
  new CredentialRefused('AUTH_API_KEY_INVALID', 'Invalid, expired or revoked API key', {
    ...refusal,
    credential: 'api_key',
  });

const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

function toApiKeyResponse(row: ApiKey): ApiKeyResponseDto {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt.toISOString(),
  };
}
