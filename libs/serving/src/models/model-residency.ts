import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/common';
import { DeployedModels, describeDeployed, type DeployedModel } from './deployed-models.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { ModelLoadError, ModelRuntime, declaredOf, modelKey } from './model-runtime.js';
import type { ModelVersion } from './model-version.entity.js';
import { ModelsRepository } from './models.repository.js';

/**
 * Which versions stay loaded while a job needs them. A job runs on the version pinned at
 * submission: `hold` returns it (the deployed one, or loaded from the store when it is no longer
 * deployed in this process), and until `release` a deploy, rollback or sync that retires it only
 * stops new predictions on it; the last release unloads it unless it is deployed again by then.
 * Under a memory budget the hold also pins the version in the runtime, so it is never evicted
 * between the job's chunks.
 */
@Injectable()
export class ModelResidency {
  private readonly holds = new Map<string, number>();
  /** The runtime pins of the holds, one per hold. */
  private readonly pins = new Map<string, (() => void)[]>();

  constructor(
    private readonly runtime: ModelRuntime,
    private readonly deployed: DeployedModels,
    private readonly models: ModelsRepository,
    private readonly store: ModelArtifactStore,
  ) {}

  async hold(name: string, version: string): Promise<DeployedModel> {
    const key = modelKey(name, version);
    this.holds.set(key, (this.holds.get(key) ?? 0) + 1);
    this.pins.set(key, [...(this.pins.get(key) ?? []), this.runtime.pin(key)]);
    try {
      const deployed = this.deployed.get(name, version);
      if (deployed && this.runtime.info(key)) return deployed;
      const row = await this.models.findVersion(name, version);
      if (!row) throw new NotFoundError('MODEL_VERSION_NOT_FOUND', 'Model version', key);
      return describeDeployed(row, this.runtime.info(key) ?? (await this.load(key, row)));
    } catch (error) {
      this.release(key);
      throw error;
    }
  }

  release(key: string): void {
    this.pins.get(key)?.pop()?.();
    if (this.pins.get(key)?.length === 0) this.pins.delete(key);
    const left = (this.holds.get(key) ?? 0) - 1;
    if (left > 0) return void this.holds.set(key, left);
    this.holds.delete(key);
    if (!this.deployed.all().some((model) => model.key === key)) this.runtime.unload(key);
  }

  /** What retiring a version calls instead of the runtime's unload: a held version stays until released. */
  unload(key: string): void {
    if (!this.holds.has(key)) this.runtime.unload(key);
  }

  private async load(key: string, row: ModelVersion) {
    const { name, version } = row;
    try {
      return await this.runtime.load(key, this.store.dirOf(name, version), declaredOf(row));
    } catch (error) {
      const reason = error instanceof ModelLoadError ? error.reason : 'the runtime could not load it';
      throw new ConflictError(
        'MODEL_LOAD_FAILED',
        `Model '${name}' version '${version}' could not be loaded: ${reason}`,
      );
    }
  }
}
