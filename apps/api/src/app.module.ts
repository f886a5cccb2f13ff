import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { CategoriesModule } from './categories/categories.module.js';
import { AppConfigModule, validateEnvironment, wiringOf, type AppWiring } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthHttpModule } from './health/health-http.module.js';
import { HomeModule } from './home/home.module.js';
import { InferenceHttpModule } from './inference/inference-http.module.js';
import { JobsHttpModule } from './inference/jobs/jobs-http.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { MetricsModule } from '@app/serving/metrics/metrics.module.js';
import { MetricsHttpModule } from './health/metrics-http.module.js';
import { ModelsHttpModule } from './models/models-http.module.js';
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
        MetricsHttpModule,
        AuthModule,
        UsersModule,
        CategoriesModule,
        ProductsModule,
        OrdersModule,
        ModelsHttpModule,
        InferenceHttpModule,
        OipModule,
        JobsHttpModule.register({ redisUrl: wiring.redisUrl, runWorker: wiring.runJobsInApi }),
        IngestionModule,
        HealthHttpModule,
        HomeModule,
        RetentionModule.register({ schedule: true, redisUrl: wiring.redisUrl }),
      ],
    };
  }
}
