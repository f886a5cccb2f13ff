import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { ApiKey } from './api-key.entity.js';

/** The api_keys table's queries. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  async insert(row: Omit<ApiKey, 'id' | 'createdAt' | 'user' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiKey> {
    const { identifiers } = await this.keys.insert(row);
    return this.keys.findOneByOrFail({ id: identifiers[0].id as number });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.keys.findOneBy({ keyHash });
  }

  findById(id: number): Promise<ApiKey | null> {
    return this.keys.findOneBy({ id });
  }

  /** A user's keys that are not revoked, newest first. */
  listActive(userId: number, page: PageQueryDto): Promise<[ApiKey[], number]> {
    return this.keys.findAndCount({
      where: { userId, revokedAt: IsNull() },
      order: { id: 'DESC' },
      ...pageOffset(page),
    });
  }

  /** True when this call revoked it (it was not revoked before). */
  async revoke(id: number, at: string): Promise<boolean> {
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: number, at: string): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }
}
