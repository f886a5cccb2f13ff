import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ModelRuntime } from '../models/model-runtime.js';
import { ModelLoadFailures } from '../models/model-load-failures.js';
import { ModelSyncService } from '../models/model-sync.service.js';

/**
 * Readiness of the inference runtime: its backend, whether every deployed model is loaded here
 * (each failed one is named), and which are resident under the memory budget.
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
    const { budgetBytes, versions } = this.runtime.residencyReport();
    const details = {
      backend: this.runtime.backend,
      loadedModels: this.runtime.loadedKeys(),
      failedModels,
      // Deployed versions evicted under the memory budget are still ready: they load on their next call.
      residency: { budgetBytes: budgetBytes ?? null, versions },
    };
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
