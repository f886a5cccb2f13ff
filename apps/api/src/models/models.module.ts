import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeployedModels } from './deployed-models.js';
import { ModelEvent } from './events/model-event.entity.js';
import { ModelEventsController } from './events/model-events.controller.js';
import { ModelEventsService } from './events/model-events.service.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { ModelLoadFailures } from './model-load-failures.js';
import { ModelResidency } from './model-residency.js';
import { ModelRuntime } from './model-runtime.js';
import { ModelSyncService } from './model-sync.service.js';
import { ModelUploadInterceptor } from './model-upload.interceptor.js';
import { ModelVersion } from './model-version.entity.js';
import { ModelsController } from './models.controller.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { RegistryNoticeMetrics } from './notices/registry-notice.metrics.js';
import { RegistryNotifier } from './notices/registry-notifier.js';
import { RegistrySubscriber } from './notices/registry-subscriber.js';
import { ShippedModelsInstaller } from './shipped-models.installer.js';
import { TfjsModelRuntime } from './tfjs-model-runtime.js';

@Module({
  imports: [TypeOrmModule.forFeature([ModelVersion, ModelEvent])],
  controllers: [ModelsController, ModelEventsController],
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
    ModelUploadInterceptor,
    // Registry changes announced to and received from the other processes (Redis pub/sub).
    RegistryNoticeMetrics,
    RegistryNotifier,
    RegistrySubscriber,
    // The TF.js runtime behind its port; service tests bind another implementation.
    { provide: ModelRuntime, useClass: TfjsModelRuntime },
  ],
  exports: [ModelsService, ModelRuntime, ModelSyncService, ModelResidency, ModelLoadFailures],
})
export class ModelsModule {}
