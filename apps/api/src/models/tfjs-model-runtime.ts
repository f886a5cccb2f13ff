import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DynamicBatcher, ModelPool, selectBackend } from '@app/inference';
import { AppConfig } from '@app/config';
import { MetricsService } from '../metrics/metrics.service.js';
import { ModelRuntime, type LoadedModelInfo, type PredictOutput } from './model-runtime.js';

/**
 * Binds the ModelRuntime port to libs/inference: the backend chosen at boot, a reference-counted
 * pool of loaded versions, and dynamic batching of concurrent predicts. Batch metrics go to
 * Prometheus under the model's name and version.
 */
@Injectable()
export class TfjsModelRuntime extends ModelRuntime implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InferenceRuntime');
  private readonly pool: ModelPool;
  private readonly bounds: { loadTimeoutMs: number; warmupTimeoutMs: number };
  private readonly batcher: DynamicBatcher;
  backend = 'unset';

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    super();
    // Every load (boot, deploy, sync, upload check) is bounded: a hung artifact store or a model
    // that never finishes warming up fails that load (ModelLoadError) instead of holding it.
    this.bounds = { loadTimeoutMs: config.models.loadTimeoutMs, warmupTimeoutMs: config.models.warmupTimeoutMs };
    this.pool = new ModelPool({ defaults: this.bounds });
    const labels = (key: string) => {
      const at = key.lastIndexOf('@');
      return { model: key.slice(0, at), version: key.slice(at + 1) };
    };
    this.batcher = new DynamicBatcher(this.pool, config.inference, {
      onBatch: (key, rows, _requests, computeMs) => {
        metrics.inferenceBatchSize.observe(labels(key), rows);
        metrics.inferenceCompute.observe(labels(key), computeMs / 1000);
      },
      onQueued: (key, waitMs) => metrics.inferenceQueue.observe(labels(key), waitMs / 1000),
    });
  }

  async onModuleInit(): Promise<void> {
    const requested = this.config.inference.backend;
    this.backend = await selectBackend(requested);
    this.logger.log(`TF.js backend: ${this.backend} (requested: ${requested}); batching up to ${this.config.inference.maxBatch} rows / ${this.config.inference.maxDelayUs} µs`);
  }

  onApplicationShutdown(): void {
    this.pool.clear();
  }

  inspect(dir: string): Promise<LoadedModelInfo> {
    return this.pool.inspect(dir, this.bounds);
  }

  load(key: string, dir: string): Promise<LoadedModelInfo> {
    return this.pool.load(key, dir);
  }

  unload(key: string): void {
    this.pool.unload(key);
  }

  info(key: string): LoadedModelInfo | undefined {
    return this.pool.info(key);
  }

  loadedKeys(): string[] {
    return this.pool.keys();
  }

  async predict(key: string, input: Float32Array, rows: number): Promise<PredictOutput | undefined> {
    const values = await this.batcher.predict(key, input, rows);
    return values && { values, outputSize: values.length / rows };
  }
}
