import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
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
    const created = await this.users.create({ username: admin.username, email: admin.email, password: admin.password, role: 'admin' });
    this.logger.log(`Created the first admin '${created.username}' <${created.email}>`);
  }
}
