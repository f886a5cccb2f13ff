import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelEvent } from '../models/events/model-event.entity.js';
import { ModelVersion } from '../models/model-version.entity.js';
import { ModelsModule } from '../models/models.module.js';
import { DriftEvents } from './drift-events.js';
import { DriftMetrics } from './drift-metrics.js';
import { DriftMonitor } from './drift-monitor.js';
import { ModelReferenceFeature } from './model-reference-feature.entity.js';
import { ModelReferencesRepository } from './model-references.repository.js';
import { ReferenceUploads } from './reference-upload.js';
import { ShippedReferencesInstaller } from './shipped-references.installer.js';

/** Input drift: versions' reference statistics, live windows, PSI reports, gauges and the drift event. */
@Module({
  imports: [ModelsModule, TypeOrmModule.forFeature([ModelReferenceFeature, ModelVersion, ModelEvent])],
  providers: [
    DriftMonitor,
    DriftMetrics,
    DriftEvents,
    ModelReferencesRepository,
    ReferenceUploads,
    ShippedReferencesInstaller,
  ],
  exports: [DriftMonitor, ReferenceUploads],
})
export class DriftModule {}
