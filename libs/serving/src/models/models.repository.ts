import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, FindOptionsWhere, QueryDeepPartialEntity, Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { updateColumns, updatedAtNow, writeLockFor } from '@app/database';
import { ModelVersion, type Stage } from './model-version.entity.js';

export interface ModelFilter {
  name?: string;
  stage?: Stage;
  deployed?: boolean;
}

@Injectable()
export class ModelsRepository {
  constructor(@InjectRepository(ModelVersion) private readonly versions: Repository<ModelVersion>) {}

  findVersion(name: string, version: string): Promise<ModelVersion | null> {
    return this.versions.findOneBy({ name, version });
  }

  findProduction(name: string): Promise<ModelVersion | null> {
    return this.versions.findOneBy({ name, stage: 'production' });
  }

  findNewest(name: string): Promise<ModelVersion | null> {
    return this.versions.findOne({ where: { name }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  listVersions(name: string): Promise<ModelVersion[]> {
    return this.versions.find({ where: { name }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** The versions every process should have loaded. */
  findDeployed(): Promise<ModelVersion[]> {
    return this.versions.findBy({ deployed: true });
  }

  /** The rows of these (name, version) pairs that exist. */
  findVersions(pairs: { name: string; version: string }[]): Promise<ModelVersion[]> {
    return pairs.length === 0
      ? Promise.resolve([])
      : this.versions.findBy(pairs.map(({ name, version }) => ({ name, version })));
  }

  list(filter: ModelFilter, page: PageQueryDto): Promise<[ModelVersion[], number]> {
    const where: FindOptionsWhere<ModelVersion> = {};
    if (filter.name) where.name = filter.name;
    if (filter.stage) where.stage = filter.stage;
    if (filter.deployed !== undefined) where.deployed = filter.deployed;
    const { skip, take } = pageOffset(page);
    return this.versions.findAndCount({ where, order: { name: 'ASC', createdAt: 'DESC', id: 'DESC' }, skip, take });
  }

  create(fields: Partial<ModelVersion>): ModelVersion {
    return this.versions.create(fields);
  }

  /**
   * Inserts a new version with the caller's transaction and runs `moveIntoPlace` inside it: the
   * unique (name, version) index is the claim, so only its holder touches the version's folder,
   * and a failed move registers nothing. A concurrent insert of the same version waits for this
   * one and then fails as a duplicate. The move is outside the database: the unit must not retry.
   */
  async register(
    manager: EntityManager,
    fields: Partial<ModelVersion>,
    moveIntoPlace: () => Promise<unknown>,
  ): Promise<ModelVersion> {
    const repository = manager.getRepository(ModelVersion);
    await repository.insert(repository.create(fields));
    await moveIntoPlace();
    return repository.findOneByOrFail({ name: fields.name, version: fields.version });
  }

  save(row: ModelVersion): Promise<ModelVersion> {
    return this.versions.save(row);
  }

  /** Writes only these columns of a registered version. True when the row exists. */
  updateColumns(id: number, changes: QueryDeepPartialEntity<ModelVersion>): Promise<boolean> {
    return updateColumns(this.versions.manager, ModelVersion, id, changes);
  }

  /**
   * Makes one version the production one, with the caller's transaction: the name's previous
   * production version goes back to staging. Returns that previous version, if any.
   */
  async promote(manager: EntityManager, row: ModelVersion): Promise<ModelVersion | null> {
    const repository = manager.getRepository(ModelVersion);
    const previous = await repository.findOne({
      where: { name: row.name, stage: 'production' },
      lock: writeLockFor(manager),
    });
    if (previous && previous.id !== row.id) {
      await repository.update(
        { id: previous.id },
        { stage: 'staging', deployed: false, updatedAt: updatedAtNow(manager) },
      );
    }
    await repository.update(
      { id: row.id },
      { stage: 'production', deployed: true, loadError: null, updatedAt: updatedAtNow(manager) },
    );
    return previous && previous.id !== row.id ? previous : null;
  }
}
