import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { AppConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { InferenceModule } from './inference/inference.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelsModule } from './models/models.module.js';
import { UsersModule } from './users/users.module.js';

/** Imports the feature modules and the shared infrastructure, nothing else. */
@Module({})
export class AppModule {
  /** Built on call, so the configuration is read and validated when the app is created. */
  static register(): DynamicModule {
    return {
      module: AppModule,
      imports: [AppConfigModule.register(), DatabaseModule, MetricsModule, AuthModule, UsersModule, ModelsModule, InferenceModule, HealthModule],
    };
  }
}
