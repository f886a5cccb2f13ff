import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeployedModels } from './deployed-models.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { ModelLoadFailures } from './model-load-failures.js';
import { ModelResidency } from './model-residency.js';
import { ModelLoadError, ModelRuntime, declaredOf, modelKey } from './model-runtime.js';
import { ModelsService } from './models.service.js';
import { ServingPlanReader } from './serving/serving-plan.js';
import { ShippedModelsInstaller } from './shipped-models.installer.js';

/**
 * Keeps this process's runtime in step with the registry: at boot it loads every version a route
 * needs, then every MODEL_SYNC_INTERVAL_MS it picks up deploys, rollbacks, alias moves and
 * policy changes made through other processes. A version whose artifact is missing or corrupt here is logged, reported
 * not ready (readiness, `model_ready`, `model_load_failures_total`) and retried with back-off; the
 * boot goes on and the registry row stays as it is, so one broken replica undeploys nothing.
 */
@Injectable()
export class ModelSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelSyncService.name);
  private timer?: NodeJS.Timeout;
  private bootSyncDone = false;
  private stopped = false;
  private readonly retries = new Set<NodeJS.Timeout>();
  private markReady!: () => void;
  /** Resolves once the boot-time load has run (jobs wait for it before running). */
  readonly ready = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });

  constructor(
    private readonly config: AppConfig,
    private readonly plan: ServingPlanReader,
    private readonly service: ModelsService,
    private readonly store: ModelArtifactStore,
    private readonly runtime: ModelRuntime,
    private readonly deployed: DeployedModels,
    private readonly residency: ModelResidency,
    private readonly failures: ModelLoadFailures,
    private readonly installer: ShippedModelsInstaller,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.onScrape(() => {
      this.metrics.modelsLoaded.set(this.runtime.loadedKeys().length);
      this.publishReadiness();
    });
    await this.installer.install();
    await this.sync();
    this.bootSyncDone = true;
    this.markReady();
    const interval = this.config.models.syncIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(
        () =>
          void this.sync().catch((error: unknown) =>
            this.logger.warn(`Registry sync failed: ${(error as Error).message}`),
          ),
        interval,
      );
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const retry of this.retries) clearTimeout(retry);
  }

  /** Ready once the boot-time load has run. */
  isReady(): boolean {
    return this.bootSyncDone;
  }

  /**
   * A registry change announced by another process (notices/registry-subscriber.ts): a sync once the boot load has run.
   */
  async syncOnNotice(): Promise<void> {
    await this.ready;
    if (!this.stopped) await this.sync();
  }

  /**
   * Converges this process on the registry's serving plan; idempotent, so any trigger (boot, the
   * timer, a retry, a notice from another process) may call it. First loads every version a route
   * needs (production, alias targets, policy primaries and shadows), then swaps in the routes, then
   * unloads what no route needs: a moved route never points at a version still loading.
   */
  sync(): Promise<void> {
    return this.service.changes.run(async () => {
      const { routes, rows } = await this.plan.read();
      const wanted = new Set(rows.map((row) => modelKey(row.name, row.version)));
      this.failures.retain(wanted);
      for (const row of rows) {
        const key = modelKey(row.name, row.version);
        if (this.deployed.get(row.name, row.version) && this.runtime.info(key)) continue;
        if (this.failures.backingOff(key)) continue;
        try {
          const info = await this.runtime.load(key, this.store.dirOf(row.name, row.version), declaredOf(row));
          this.deployed.add(row, info);
          this.failures.clear(key);
          this.logger.log(`Loaded ${key} (${info.format}, input ${JSON.stringify(info.inputShape)})`);
        } catch (error) {
          // This process cannot serve the version; others may. It says so in readiness and
          // metrics and tries again later; the registry row is not touched.
          const reason = error instanceof ModelLoadError ? error.reason : (error as Error).message;
          const delay = this.failures.record(key, row.name, row.version, reason);
          this.metrics.modelLoadFailures.inc({ model: row.name, version: row.version });
          this.logger.error(
            `Could not load deployed model ${key}: ${reason}; not ready for it, retrying in ${delay} ms`,
          );
          this.scheduleRetry(delay);
        }
      }
      this.deployed.replaceRoutes(routes);
      for (const model of this.deployed.all()) {
        if (!wanted.has(model.key)) {
          this.deployed.remove(model.name, model.version);
          this.residency.unload(model.key);
          this.logger.log(`Unloaded ${model.key}: no route needs it any more`);
        }
      }
    });
  }

  /** A retry of failed loads that does not depend on MODEL_SYNC_INTERVAL_MS (which may be 0). */
  private scheduleRetry(delayMs: number): void {
    if (this.stopped) return;
    const retry = setTimeout(() => {
      this.retries.delete(retry);
      void this.sync().catch((error: unknown) =>
        this.logger.warn(`Model load retry failed: ${(error as Error).message}`),
      );
    }, delayMs + 10);
    retry.unref();
    this.retries.add(retry);
  }

  /** model_ready{model,version}: 1 for each resident version loaded here, 0 for each that failed. */
  private publishReadiness(): void {
    this.metrics.modelReady.reset();
    for (const model of this.deployed.all())
      this.metrics.modelReady.set({ model: model.name, version: model.version }, 1);
    for (const failure of this.failures.all())
      this.metrics.modelReady.set({ model: failure.model, version: failure.version }, 0);
  }
}
