import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { classifyDbError, UnitOfWork, updatedAtNow } from '@app/database';
import { TrafficPolicy, type WeightedVersion } from './traffic-policy.entity.js';

@Injectable()
export class TrafficPoliciesRepository {
  constructor(
    @InjectRepository(TrafficPolicy) private readonly policies: Repository<TrafficPolicy>,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  find(modelName: string): Promise<TrafficPolicy | null> {
    return this.policies.findOneBy({ modelName });
  }

  all(): Promise<TrafficPolicy[]> {
    return this.policies.find();
  }

  /** Stores the model's policy in one transaction, one revision above the one it replaces. */
  async put(modelName: string, versions: WeightedVersion[], shadow: string[]): Promise<TrafficPolicy> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.unitOfWork.run(async (manager) => {
          const repository = manager.getRepository(TrafficPolicy);
          const previous = await repository.findOneBy({ modelName });
          // The JSON columns are wider than TypeORM's partial-entity typing allows, hence the casts.
          if (previous)
            await repository.update(
              { id: previous.id },
              { versions, shadow, revision: previous.revision + 1, updatedAt: updatedAtNow(manager) },
            );
          else
            await repository.insert({ modelName, versions: versions as never, shadow: shadow as never, revision: 1 });
          return repository.findOneByOrFail({ modelName });
        });
      } catch (error) {
        // A concurrent first PUT from another process inserted the row: update it instead.
        if (attempt > 0 || classifyDbError(error) !== 'unique') throw error;
      }
    }
  }

  /** Removes the model's policy; returns it (null when there was none). */
  remove(modelName: string): Promise<TrafficPolicy | null> {
    return this.unitOfWork.run(async (manager) => {
      const repository = manager.getRepository(TrafficPolicy);
      const previous = await repository.findOneBy({ modelName });
      if (previous) await repository.delete({ id: previous.id });
      return previous;
    });
  }
}
