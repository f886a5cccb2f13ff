import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { classifyDbError, UnitOfWork, updatedAtNow } from '@app/database';
import { ModelAlias } from './model-alias.entity.js';

@Injectable()
export class ModelAliasesRepository {
  constructor(
    @InjectRepository(ModelAlias) private readonly aliases: Repository<ModelAlias>,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  find(modelName: string, alias: string): Promise<ModelAlias | null> {
    return this.aliases.findOneBy({ modelName, alias });
  }

  all(): Promise<ModelAlias[]> {
    return this.aliases.find();
  }

  /** Alias names per version key `name@version`, for the given names. */
  async byVersion(names: string[]): Promise<Map<string, string[]>> {
    const byKey = new Map<string, string[]>();
    if (names.length === 0) return byKey;
    const rows = await this.aliases.find({ where: { modelName: In([...new Set(names)]) }, order: { alias: 'ASC' } });
    for (const row of rows) {
      const key = `${row.modelName}@${row.version}`;
      byKey.set(key, [...(byKey.get(key) ?? []), row.alias]);
    }
    return byKey;
  }

  /**
   * Points the alias at `version` in one transaction: one UPDATE of its row, or one INSERT when it
   * has none. Two processes inserting the same new alias at once: the unique index lets one in,
   * the other retries as an UPDATE, so the last writer wins and there is never a second row.
   * Returns the version it pointed at before (undefined when new).
   */
  async point(modelName: string, alias: string, version: string): Promise<string | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.unitOfWork.run(async (manager) => {
          const repository = manager.getRepository(ModelAlias);
          const previous = await repository.findOneBy({ modelName, alias });
          if (previous) {
            await repository.update({ id: previous.id }, { version, updatedAt: updatedAtNow(manager) });
            return previous.version;
          }
          await repository.insert({ modelName, alias, version });
          return undefined;
        });
      } catch (error) {
        if (attempt > 0 || classifyDbError(error) !== 'unique') throw error;
      }
    }
  }

  /** Removes the alias; returns the version it pointed at (undefined when there was none). */
  remove(modelName: string, alias: string): Promise<string | undefined> {
    return this.unitOfWork.run(async (manager) => {
      const repository = manager.getRepository(ModelAlias);
      const previous = await repository.findOneBy({ modelName, alias });
      if (previous) await repository.delete({ id: previous.id });
      return previous?.version;
    });
  }

  /** Whether any alias of the model points at this version. */
  async pointsAt(modelName: string, version: string): Promise<string[]> {
    return (await this.aliases.findBy({ modelName, version })).map((row) => row.alias);
  }
}
