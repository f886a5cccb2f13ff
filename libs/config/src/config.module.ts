import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DatabaseSettings } from '@app/database';
import { PayloadBudget } from './payload-budget.js';
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
      // DatabaseSettings: what @app/database's DatabaseModule reads, without importing the config.
      providers: [
        AppConfig,
        PayloadBudget,
        { provide: DatabaseSettings, inject: [AppConfig], useFactory: (config: AppConfig) => config.database },
      ],
      exports: [AppConfig, PayloadBudget, DatabaseSettings],
    };
  }
}
