import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { UsersService } from './users.service.js';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no active admin exists. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.users.existsActiveAdmin())) return;
    try {
      const created = await this.users.createAdmin(admin);
      this.logger.log(`Created the first admin '${created.username}' <${created.email}>`);
    } catch (error) {
      // A taken name or a weak password must not stop the boot; the log says what to fix.
      this.logger.error(
        `Could not create the first admin from ADMIN_EMAIL/ADMIN_PASSWORD: ${(error as Error).message}`,
      );
    }
  }
}
