import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PayloadBudget } from '../core/payload-budget.js';
import { AppConfig } from './app-config.js';
import { validateEnvironment } from './env.schema.js';

/**
 * Validated, typed configuration for the whole app. `register()` reads the environment when it
 * is called (not when this file is imported), so each app instance validates its own settings.
 */
@Module({})
export class AppConfigModule {
  static register(): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ cache: true, envFilePath: '.env', validate: validateEnvironment })],
      // PayloadBudget is process-wide state sized by the config: global like it, one per app.
      providers: [AppConfig, PayloadBudget],
      exports: [AppConfig, PayloadBudget],
    };
  }
}
