import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelServer } from '@app/inference';
import { AppConfig } from '@app/config';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeployedModels } from './deployed-models.js';
import { ModelEvent } from './events/model-event.entity.js';
import { ModelEventsService } from './events/model-events.service.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { ModelLoadFailures } from './model-load-failures.js';
import { ModelResidency } from './model-residency.js';
import { ModelRuntime } from './model-runtime.js';
import { startModelServer } from './model-server.factory.js';
import { ModelSyncService } from './model-sync.service.js';
import { ModelVersion } from './model-version.entity.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { RegistryNoticeMetrics } from './notices/registry-notice.metrics.js';
import { RegistryNotifier } from './notices/registry-notifier.js';
import { RegistrySubscriber } from './notices/registry-subscriber.js';
import { ShippedModelsInstaller } from './shipped-models.installer.js';
import { ModelAlias } from './serving/model-alias.entity.js';
import { ModelAliasesRepository } from './serving/model-aliases.repository.js';
import { ModelAliasesService } from './serving/model-aliases.service.js';
import { ModelVersionResolver } from './serving/model-version-resolver.js';
import { TrafficPoliciesService } from './serving/traffic-policies.service.js';
import { ResidentVersions } from './serving/resident-versions.js';
import { ServingPlanReader } from './serving/serving-plan.js';
import { TrafficPoliciesRepository } from './serving/traffic-policies.repository.js';
import { TrafficPolicy } from './serving/traffic-policy.entity.js';
import { TrafficStats } from './serving/traffic-stats.js';
import { VersionReferences } from './serving/version-references.js';

/**
 * The model registry and runtime both apps run: versions, events, aliases, traffic policies, the
 * artifact store and the loaded models. No routes: the API's ModelsHttpModule adds them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelVersion, ModelEvent, ModelAlias, TrafficPolicy])],
  providers: [
    ModelsService,
    ModelEventsService,
    ModelsRepository,
    ModelArtifactStore,
    DeployedModels,
    ModelResidency,
    ModelLoadFailures,
    ModelSyncService,
    ShippedModelsInstaller,
    ModelAliasesRepository,
    TrafficPoliciesRepository,
    ServingPlanReader,
    ResidentVersions,
    VersionReferences,
    ModelVersionResolver,
    TrafficStats,
    ModelAliasesService,
    TrafficPoliciesService,
    // Registry changes announced to and received from the other processes (Redis pub/sub).
    RegistryNoticeMetrics,
    RegistryNotifier,
    RegistrySubscriber,
    // libs/inference's ModelServer behind the ModelRuntime port (the factory's return type checks
    // that it fits the port); service tests bind another implementation.
    { provide: ModelServer, inject: [AppConfig, MetricsService], useFactory: startModelServer },
    { provide: ModelRuntime, inject: [ModelServer], useFactory: (server: ModelServer): ModelRuntime => server },
  ],
  exports: [
    ModelsService,
    ModelEventsService,
    ModelAliasesService,
    TrafficPoliciesService,
    ModelVersionResolver,
    TrafficStats,
    ModelRuntime,
    ModelSyncService,
    ModelResidency,
    ModelLoadFailures,
  ],
})
export class ModelsModule implements OnApplicationShutdown {
  constructor(private readonly server: ModelServer) {}

  /** Unloads every model; one still answering a request is freed when that request ends. */
  onApplicationShutdown(): void {
    this.server.close();
  }
}
