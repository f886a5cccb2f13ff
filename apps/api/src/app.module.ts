import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { CategoriesModule } from './categories/categories.module.js';
import { AppConfigModule, validateEnvironment, wiringOf, type AppWiring } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/serving/health/health.module.js';
import { HomeModule } from './home/home.module.js';
import { InferenceModule } from '@app/serving/inference/inference.module.js';
import { JobsModule } from '@app/serving/inference/jobs/jobs.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { MetricsModule } from '@app/serving/metrics/metrics.module.js';
import { ModelsModule } from '@app/serving/models/models.module.js';
import { OipModule } from './oip/oip.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { ProductsModule } from './products/products.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { UsersModule } from './users/users.module.js';
import { SCHEMA } from './database/schema.js';

/** Imports the feature modules and the shared infrastructure, nothing else. */
@Module({})
export class AppModule {
  /**
   * Built on call, so the configuration is read and validated when the app is created. The
   * wiring (Redis or not, worker in this process or not) picks the job queue's implementation.
   */
  static register(wiring: AppWiring = wiringOf(validateEnvironment(process.env, { quiet: true }))): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(),
        DatabaseModule.forRoot(SCHEMA),
        MetricsModule,
        AuthModule,
        UsersModule,
        CategoriesModule,
        ProductsModule,
        OrdersModule,
        ModelsModule,
        InferenceModule,
        OipModule,
        JobsModule.register({ redisUrl: wiring.redisUrl, runWorker: wiring.runJobsInApi, withRoutes: true }),
        IngestionModule,
        HealthModule,
        HomeModule,
        RetentionModule.register({ schedule: true, redisUrl: wiring.redisUrl }),
      ],
    };
  }
}
