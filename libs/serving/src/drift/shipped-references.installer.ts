import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { ModelSyncService } from '../models/model-sync.service.js';
import { ModelVersion } from '../models/model-version.entity.js';
import { ModelReferencesRepository } from './model-references.repository.js';
import { parseReferenceFile, rowSizeOf } from './reference-file.js';

/** The reference file `npm run train` writes beside a shipped model's metadata.json. */
export const SHIPPED_REFERENCE_FILE = 'reference.json';

/**
 * Stores the reference statistics of the shipped models (SHIPPED_MODELS_DIR/<name>/<version>/
 * reference.json) once the registry has registered them at boot, for versions that have none yet.
 * Checked as an upload's reference is; a faulty file is logged and skipped, never fatal.
 */
@Injectable()
export class ShippedReferencesInstaller implements OnApplicationBootstrap {
  private readonly logger = new Logger(ShippedReferencesInstaller.name);
  private markInstalled!: () => void;
  /** Resolves once the boot-time install has run (or failed): drift lookups wait for it. */
  readonly installed = new Promise<void>((done) => {
    this.markInstalled = done;
  });

  constructor(
    private readonly config: AppConfig,
    private readonly modelSync: ModelSyncService,
    @InjectRepository(ModelVersion) private readonly versions: Repository<ModelVersion>,
    private readonly references: ModelReferencesRepository,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the registry rows appear when the model sync's boot run is done.
    void this.modelSync.ready
      .then(() => this.install())
      .catch((error: unknown) => this.logger.warn(`Shipped references not installed: ${(error as Error).message}`))
      .finally(() => this.markInstalled());
  }

  private async install(): Promise<void> {
    if (!this.config.models.installShipped) return;
    const root = resolve(this.config.models.shippedDir);
    for (const name of await readdir(root, { withFileTypes: true }).catch(() => [])) {
      if (!name.isDirectory()) continue;
      for (const version of await readdir(join(root, name.name), { withFileTypes: true })) {
        if (version.isDirectory()) await this.installOne(name.name, version.name, join(root, name.name, version.name));
      }
    }
  }

  private async installOne(name: string, version: string, dir: string): Promise<void> {
    const file = await readFile(join(dir, SHIPPED_REFERENCE_FILE)).catch(() => undefined);
    if (!file) return;
    const row = await this.versions.findOneBy({ name, version });
    if (!row || (await this.references.existsFor(row.id))) return;
    try {
      const reference = parseReferenceFile(file, {
        rowSize: rowSizeOf(row.inputShape),
        featureNames: row.featureNames,
      });
      await this.versions.manager.transaction((manager) => this.references.insert(manager, row.id, reference));
      this.logger.log(`Stored the shipped reference statistics of ${name}@${version}`);
    } catch (error) {
      // A faulty file, or another process storing the same reference at the same boot.
      this.logger.warn(`Shipped reference of ${name}@${version} not stored: ${(error as Error).message}`);
    }
  }
}
