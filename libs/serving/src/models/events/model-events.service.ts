import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity, Repository } from 'typeorm';
import { NotFoundError, pageOffset, toPage, type Page, type PageQueryDto } from '@app/common';
import { ModelsRepository } from '../models.repository.js';
import { RegistryNotifier } from '../notices/registry-notifier.js';
import { ModelEvent, type ModelEventAction } from './model-event.entity.js';
import type { ModelEventResponseDto } from './model-event.dto.js';

/**
 * The registry's audit trail. An event is written once its action has succeeded; a failed write
 * is logged and does not undo or fail the action (the runtime has already changed by then), so a
 * database failure at that exact moment can lose an event, never an action. Every action is also
 * announced to the other processes (RegistryNotifier), whether or not its event was written.
 */
@Injectable()
export class ModelEventsService {
  private readonly logger = new Logger(ModelEventsService.name);

  constructor(
    @InjectRepository(ModelEvent) private readonly events: Repository<ModelEvent>,
    private readonly models: ModelsRepository,
    private readonly notifier: RegistryNotifier,
  ) {}

  async record(
    action: ModelEventAction,
    modelName: string,
    version: string,
    userId: number | undefined,
    details?: Record<string, unknown>,
  ): Promise<void> {
    try {
      // The JSON column's type is wider than TypeORM's partial-entity typing allows, hence the cast.
      await this.events.insert({
        action,
        modelName,
        version,
        userId: userId ?? null,
        details: details ?? null,
      } as QueryDeepPartialEntity<ModelEvent>);
    } catch (error) {
      this.logger.error(`Could not record the ${action} of ${modelName}@${version}: ${(error as Error).message}`);
    }
    this.notifier.announce({ action, model: modelName, version });
  }

  /** Newest first; 404 for a name the registry never had. */
  async list(modelName: string, page: PageQueryDto): Promise<Page<ModelEventResponseDto>> {
    const [rows, total] = await this.events.findAndCount({
      where: { modelName },
      order: { id: 'DESC' },
      ...pageOffset(page),
    });
    if (total === 0 && (await this.models.listVersions(modelName)).length === 0)
      throw new NotFoundError('MODEL_NOT_FOUND', 'Model', modelName);
    return toPage(rows.map(toModelEventResponse), total, page);
  }
}

function toModelEventResponse(event: ModelEvent): ModelEventResponseDto {
  return {
    id: event.id,
    model: event.modelName,
    version: event.version,
    action: event.action,
    by: event.userId ?? null,
    details: event.details ?? null,
    at: event.createdAt.toISOString(),
  };
}
