import { Injectable, Logger } from '@nestjs/common';
import { ConflictError, NotFoundError, toPage, type Page } from '@app/common';
import { classifyDbError, UnitOfWork } from '@app/database';
import type { EntityManager } from 'typeorm';
import { DeployedModels } from './deployed-models.js';
import { ModelEventsService } from './events/model-events.service.js';
import type { ListModelsQueryDto } from './dto/list-models.query.js';
import { toModelVersionResponse, type ModelVersionResponseDto } from './dto/model-version-response.dto.js';
import type { UploadModelDto } from './dto/upload-model.dto.js';
import { ModelArtifactStore, type UploadedFile } from './model-artifact.store.js';
import { newVersionFields } from './model-metadata.js';
import { ModelRuntime, declaredOf, modelKey } from './model-runtime.js';
import { checkMetadata, checkUploadFiles, uploadRefusal } from './upload-checks.js';
import type { ModelVersion } from './model-version.entity.js';
import { ModelsRepository } from './models.repository.js';
import { ResidentVersions } from './serving/resident-versions.js';
import { VersionReferences } from './serving/version-references.js';
import { SerialQueue } from './serial-queue.js';

/** The registry's rules: upload checks, the stage machine, and which versions the runtime holds. */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);
  /** Deploys, undeploys and registry syncs change runtime state one at a time. */
  readonly changes = new SerialQueue();

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly models: ModelsRepository,
    private readonly store: ModelArtifactStore,
    private readonly runtime: ModelRuntime,
    private readonly deployed: DeployedModels,
    private readonly resident: ResidentVersions,
    private readonly references: VersionReferences,
    private readonly events: ModelEventsService,
  ) {}

  /**
   * Stages the artifact (TF.js model.json and weights, or one .onnx file) in a folder of its own,
   * loads it once to check it against the declared metadata (ONNX: in a throwaway child process, as
   * a crafted file can crash the runtime) and checksums it; then claims the name and version in the
   * registry (unique) and, inside that same transaction, moves the artifact into place. Of concurrent uploads of one
   * version exactly one wins (201); the others get 409 and touch nothing but their own staging
   * folder. A crash before the commit leaves at most an unregistered folder, which the next
   * upload of that version replaces. `alsoStore` writes what else comes with the version (its drift
   * reference) in that same transaction.
   */
  async upload(
    dto: UploadModelDto,
    model: UploadedFile | undefined,
    weights: UploadedFile[],
    actorId?: number,
    alsoStore?: (manager: EntityManager, row: ModelVersion) => Promise<void>,
  ): Promise<ModelVersionResponseDto> {
    checkUploadFiles(dto.framework, model, weights);
    if (await this.models.findVersion(dto.name, dto.version)) throw alreadyExists(dto);
    const staged =
      dto.framework === 'onnx' ? await this.store.stageOnnx(model) : await this.store.stage(model, weights);
    try {
      // ONNX fills its free dimensions from the declared shape; TF.js is compared with it below.
      const declared = dto.framework === 'onnx' ? declaredOf(dto) : undefined;
      const info = await this.runtime.inspect(staged, declared).catch((error: unknown) => {
        throw uploadRefusal(error);
      });
      checkMetadata(dto, info);
      const fields = newVersionFields(dto, await this.store.checksum(staged), { stage: 'staging', deployed: false });
      // Run once: the commit moves the folder into place, which a second run could not repeat.
      const register = async (manager: EntityManager) => {
        const row = await this.models.register(manager, fields, () => this.store.commit(staged, dto.name, dto.version));
        await alsoStore?.(manager, row);
        return row;
      };
      const row = await this.unitOfWork.run(register, { retry: false }).catch((error: unknown) => {
        throw classifyDbError(error) === 'unique' ? alreadyExists(dto) : error;
      });
      await this.events.record('upload', dto.name, dto.version, actorId); // never throws: see ModelEventsService
      return toModelVersionResponse(row, []);
    } finally {
      // Gone already once committed; otherwise only this upload's own folder is removed.
      await this.store.discard(staged);
    }
  }

  async list(query: ListModelsQueryDto): Promise<Page<ModelVersionResponseDto>> {
    const [rows, total] = await this.models.list(query, query);
    return toPage(await this.respondAll(rows), total, query);
  }

  async versionsOf(name: string): Promise<ModelVersionResponseDto[]> {
    const rows = await this.models.listVersions(name);
    if (rows.length === 0) throw new NotFoundError('MODEL_NOT_FOUND', 'Model', name);
    return this.respondAll(rows);
  }

  async getVersion(name: string, version: string): Promise<ModelVersionResponseDto> {
    return this.respond(await this.getRow(name, version));
  }

  /**
   * Loads the version (fully, warmed up) before switching: the previous production version keeps
   * serving until the switch and is freed once its last request is done. A failed load changes
   * nothing.
   */
  deploy(name: string, version: string, actorId?: number): Promise<ModelVersionResponseDto> {
    return this.changes.run(async () => {
      const row = await this.getRow(name, version);
      if (row.stage === 'archived')
        throw new ConflictError(
          'MODEL_ARCHIVED',
          `Model '${name}' version '${row.version}' is archived; upload a new version instead`,
        );
      const info = await this.resident.load(row);
      const previous = await this.unitOfWork.run((manager) => this.models.promote(manager, row));
      this.deployed.set(row, info);
      await this.events.record(
        'deploy',
        name,
        row.version,
        actorId,
        previous ? { replaced: previous.version } : undefined,
      );
      if (previous) {
        // Still resident while an alias or the traffic policy names it.
        this.resident.retireUnneeded(name, [previous.version]);
        this.logger.log(`Deployed ${name}@${row.version}, replacing ${previous.version}`);
      }
      return this.respond(await this.getRow(name, row.version));
    });
  }

  undeploy(name: string, version: string, actorId?: number): Promise<ModelVersionResponseDto> {
    return this.retire(name, version, 'staging', actorId);
  }

  /** Archive: unloaded and kept on disk, never deployed again. */
  archive(name: string, version: string, actorId?: number): Promise<ModelVersionResponseDto> {
    return this.retire(name, version, 'archived', actorId);
  }

  private retire(
    name: string,
    version: string,
    stage: 'staging' | 'archived',
    actorId?: number,
  ): Promise<ModelVersionResponseDto> {
    return this.changes.run(async () => {
      const row = await this.getRow(name, version);
      if (stage === 'archived') await this.references.refuseArchiveOfReferenced(row.name, row.version);
      this.deployed.clearProduction(row.name, row.version);
      // An undeployed version an alias or the traffic policy still names stays resident.
      this.resident.retireUnneeded(row.name, [row.version]);
      await this.models.updateColumns(row.id, { stage, deployed: false });
      await this.events.record(stage === 'archived' ? 'archive' : 'undeploy', row.name, row.version, actorId);
      return this.respond(await this.getRow(row.name, row.version));
    });
  }

  /** `latest`: production, else newest; `production`: the production version; else a version, else an alias. */
  async getRow(name: string, version: string): Promise<ModelVersion> {
    const row =
      version === 'latest'
        ? ((await this.models.findProduction(name)) ?? (await this.models.findNewest(name)))
        : version === 'production'
          ? await this.models.findProduction(name)
          : ((await this.models.findVersion(name, version)) ?? (await this.references.aliasedRow(name, version)));
    if (!row) throw new NotFoundError('MODEL_VERSION_NOT_FOUND', 'Model version', `${name}@${version}`);
    return row;
  }

  private async respond(row: ModelVersion): Promise<ModelVersionResponseDto> {
    return toModelVersionResponse(
      row,
      (await this.references.aliasesByVersion([row.name])).get(modelKey(row.name, row.version)),
    );
  }

  private async respondAll(rows: ModelVersion[]): Promise<ModelVersionResponseDto[]> {
    const aliases = await this.references.aliasesByVersion(rows.map((row) => row.name));
    return rows.map((row) => toModelVersionResponse(row, aliases.get(modelKey(row.name, row.version))));
  }
}

const alreadyExists = (dto: UploadModelDto) =>
  new ConflictError('MODEL_VERSION_EXISTS', `Model '${dto.name}' version '${dto.version}' already exists`);
