import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { insertRows } from '@app/database';
import { ModelReferenceFeature } from './model-reference-feature.entity.js';
import type { ReferenceStatistics } from './reference-stats.js';

/** The reference statistics of model versions, one row per feature. */
@Injectable()
export class ModelReferencesRepository {
  constructor(@InjectRepository(ModelReferenceFeature) private readonly features: Repository<ModelReferenceFeature>) {}

  /** Stores a version's reference with the caller's transaction (the upload's, so both or neither land). */
  async insert(manager: EntityManager, modelVersionId: number, reference: ReferenceStatistics): Promise<void> {
    const rows = reference.features.map((stats, position) => ({
      modelVersionId,
      position,
      stats,
      sampleRows: reference.rows,
    }));
    await insertRows(manager, ModelReferenceFeature, rows);
  }

  async existsFor(modelVersionId: number): Promise<boolean> {
    return this.features.exists({ where: { modelVersionId } });
  }

  /** The reference of name@version (an exact version), or null when it has none. */
  async find(name: string, version: string): Promise<ReferenceStatistics | null> {
    const rows = await this.features
      .createQueryBuilder('feature')
      .innerJoin('feature.modelVersion', 'version')
      .where('version.name = :name AND version.version = :version', { name, version })
      .orderBy('feature.position', 'ASC')
      .getMany();
    if (rows.length === 0) return null;
    return { rows: rows[0].sampleRows, features: rows.map((row) => row.stats) };
  }
}
