import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ModelRuntime } from '../models/model-runtime.js';
import { ModelSyncService } from '../models/model-sync.service.js';

/** Readiness of the inference runtime: its backend, and whether the deployed models are loaded. */
@Injectable()
export class InferenceHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: ModelRuntime,
    private readonly sync: ModelSyncService,
  ) {}

  check() {
    const indicator = this.indicators.check('inference');
    const details = { backend: this.runtime.backend, loadedModels: this.runtime.loadedKeys() };
    return this.sync.isReady() ? indicator.up(details) : indicator.down({ ...details, message: 'Deployed models are still loading' });
  }
}
