import { inspectModel, type LoadModelOptions, type ModelInfo } from './loaded-model.js';
import { ModelRegistry } from './registry.js';

/**
 * The registry under the names the API's runtime adapter uses: `inspect` for upload checks,
 * `keys` and `clear`. Everything else is ModelRegistry (reference counting, hot swap).
 */
export class ModelPool extends ModelRegistry {
  /** Loads and checks an artifact, then frees it (upload validation). Throws ModelLoadError. */
  inspect(source: string, options?: Omit<LoadModelOptions, 'batching'>): Promise<ModelInfo> {
    return inspectModel(source, options);
  }

  keys(): string[] {
    return this.loadedKeys();
  }

  /** Unloads everything (shutdown). Models still held are freed by their last release. */
  clear(): void {
    this.close();
  }
}
