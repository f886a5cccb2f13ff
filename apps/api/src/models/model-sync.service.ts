import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeployedModels } from './deployed-models.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { ModelResidency } from './model-residency.js';
import { ModelLoadError, ModelRuntime, modelKey } from './model-runtime.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { ShippedModelsInstaller } from './shipped-models.installer.js';

/**
 * Keeps this process's runtime in step with the registry: at boot it loads every deployed
 * version (a missing or corrupt artifact is logged, marked not deployed with its reason, and the
 * boot goes on), then every MODEL_SYNC_INTERVAL_MS it picks up deploys and rollbacks made through
 * other processes.
 */
@Injectable()
export class ModelSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelSyncService.name);
  private timer?: NodeJS.Timeout;
  private bootSyncDone = false;
  private markReady!: () => void;
  /** Resolves once the boot-time load has run (jobs wait for it before running). */
  readonly ready = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });

  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelsRepository,
    private readonly service: ModelsService,
    private readonly store: ModelArtifactStore,
    private readonly runtime: ModelRuntime,
    private readonly deployed: DeployedModels,
    private readonly residency: ModelResidency,
    private readonly installer: ShippedModelsInstaller,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.onScrape(() => this.metrics.modelsLoaded.set(this.runtime.loadedKeys().length));
    await this.installer.install();
    await this.sync();
    this.bootSyncDone = true;
    this.markReady();
    const interval = this.config.models.syncIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => void this.sync().catch((error: unknown) => this.logger.warn(`Registry sync failed: ${(error as Error).message}`)), interval);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Ready once the boot-time load has run. */
  isReady(): boolean {
    return this.bootSyncDone;
  }

  sync(): Promise<void> {
    return this.service.changes.run(async () => {
      const rows = await this.models.findDeployed();
      const wanted = new Set(rows.map((row) => modelKey(row.name, row.version)));
      for (const row of rows) {
        const key = modelKey(row.name, row.version);
        if (this.deployed.get(row.name, row.version)?.key === key && this.runtime.info(key)) continue;
        try {
          const info = await this.runtime.load(key, this.store.dirOf(row.name, row.version));
          const replaced = this.deployed.get(row.name);
          this.deployed.set(row, info);
          if (replaced && replaced.key !== key) this.residency.unload(replaced.key);
          this.logger.log(`Loaded ${key} (${info.format}, input ${JSON.stringify(info.inputShape)})`);
        } catch (error) {
          const reason = error instanceof ModelLoadError ? error.reason : (error as Error).message;
          this.logger.error(`Could not load deployed model ${key}: ${reason}; marking it not deployed`);
          row.deployed = false;
          row.loadError = reason;
          await this.models.save(row);
        }
      }
      for (const model of this.deployed.all()) {
        if (!wanted.has(model.key)) {
          this.deployed.remove(model.name, model.version);
          this.residency.unload(model.key);
          this.logger.log(`Unloaded ${model.key}: no longer deployed`);
        }
      }
    });
  }
}
