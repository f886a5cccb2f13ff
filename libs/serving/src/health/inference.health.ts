import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ModelRuntime } from '../models/model-runtime.js';
import { ModelLoadFailures } from '../models/model-load-failures.js';
import { ModelSyncService } from '../models/model-sync.service.js';

/**
 * Readiness of the inference runtime: its backend, and whether
 * every deployed model is loaded here (each failed one is named).
 */
@Injectable()
export class InferenceHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: ModelRuntime,
    private readonly sync: ModelSyncService,
    private readonly failures: ModelLoadFailures,
  ) {}

  check() {
    const indicator = this.indicators.check('inference');
    const failedModels = this.failures.all();
    const details = { backend: this.runtime.backend, loadedModels: this.runtime.loadedKeys(), failedModels };
    if (!this.sync.isReady()) return indicator.down({ ...details, message: 'Deployed models are still loading' });
    if (failedModels.length > 0)
      return indicator.down({
        ...details,
        message:
          `Not ready for ${failedModels.map((failure) => `${failure.model}@${failure.version}`).join(', ')}: ` +
          `could not load it here (retrying)`,
      });
    return indicator.up(details);
  }
}
