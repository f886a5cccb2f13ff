import { Injectable } from '@nestjs/common';
import { ConflictError } from '@app/common';
import { DeployedModels, type DeployedModel } from '../deployed-models.js';
import { ModelArtifactStore } from '../model-artifact.store.js';
import { ModelResidency } from '../model-residency.js';
import { ModelLoadError, ModelRuntime, declaredOf, modelKey, type LoadedModelInfo } from '../model-runtime.js';
import type { ModelVersion } from '../model-version.entity.js';

/**
 * Loads versions before a route points at them and unloads them once no route needs them: what
 * deploy, alias and policy changes share, so a moved route never points at a version still loading.
 */
@Injectable()
export class ResidentVersions {
  constructor(
    private readonly runtime: ModelRuntime,
    private readonly store: ModelArtifactStore,
    private readonly deployed: DeployedModels,
    private readonly residency: ModelResidency,
  ) {}

  /** Loads the artifact (warmed up); a failure is a 409 with the loader's reason, changing nothing. */
  async load(row: ModelVersion): Promise<LoadedModelInfo> {
    try {
      const dir = this.store.dirOf(row.name, row.version);
      return await this.runtime.load(modelKey(row.name, row.version), dir, declaredOf(row));
    } catch (error) {
      const reason = error instanceof ModelLoadError ? error.reason : 'the runtime could not load it';
      throw new ConflictError(
        'MODEL_LOAD_FAILED',
        `Model '${row.name}' version '${row.version}' could not be loaded: ${reason}`,
      );
    }
  }

  /** The version loaded and registered here, loading it only if this process does not have it yet. */
  async ensure(row: ModelVersion): Promise<DeployedModel> {
    const key = modelKey(row.name, row.version);
    const loaded = this.deployed.get(row.name, row.version);
    if (loaded && this.runtime.info(key)) return loaded;
    return this.deployed.add(row, this.runtime.info(key) ?? (await this.load(row)));
  }

  /** Unloads each of these versions that no route needs any more (a job's hold keeps it until released). */
  retireUnneeded(name: string, versions: Iterable<string>): void {
    for (const version of new Set(versions)) {
      if (this.deployed.needs(name, version)) continue;
      this.deployed.remove(name, version);
      this.residency.unload(modelKey(name, version));
    }
  }
}
