import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ModelEventsService } from './events/model-events.service.js';
import { ModelArtifactStore } from './model-artifact.store.js';
import { newVersionFields, type ModelMetadata } from './model-metadata.js';
import { ModelsRepository } from './models.repository.js';

/**
 * Registers the models that ship with the product (SHIPPED_MODELS_DIR/<name>/<version>/ with a
 * metadata.json beside the artifact) so a fresh clone predicts out of the box. A version already
 * in the registry is left alone, so an admin's later changes stick.
 */
@Injectable()
export class ShippedModelsInstaller {
  private readonly logger = new Logger(ShippedModelsInstaller.name);

  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelsRepository,
    private readonly store: ModelArtifactStore,
    private readonly events: ModelEventsService,
  ) {}

  async install(): Promise<void> {
    if (!this.config.models.installShipped) return;
    for (const dir of await this.findShipped(resolve(this.config.models.shippedDir))) {
      const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
      if (await this.models.findVersion(metadata.name, metadata.version)) continue;
      const stored = await this.store.install(metadata.name, metadata.version, dir);
      const hasProduction = Boolean(await this.models.findProduction(metadata.name));
      try {
        const placement = hasProduction
          ? ({ stage: 'staging', deployed: false } as const)
          : ({ stage: 'production', deployed: true } as const);
        await this.models.save(
          this.models.create(newVersionFields(metadata, await this.store.checksum(stored), placement)),
        );
        await this.events.record('upload', metadata.name, metadata.version, undefined, {
          shipped: true,
          ...(placement.deployed ? { deployed: true } : {}),
        });
        this.logger.log(`Registered shipped model ${metadata.name}@${metadata.version}`);
      } catch (error) {
        // Another process registering the same version at the same boot is fine.
        this.logger.warn(
          `Shipped model ${metadata.name}@${metadata.version} not registered: ${(error as Error).message}`,
        );
      }
    }
  }

  private async findShipped(root: string): Promise<string[]> {
    const found: string[] = [];
    const names = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const name of names.filter((entry) => entry.isDirectory())) {
      const versions = await readdir(join(root, name.name), { withFileTypes: true });
      for (const version of versions.filter((entry) => entry.isDirectory())) {
        const dir = join(root, name.name, version.name);
        const files = await readdir(dir);
        if (files.includes('metadata.json') && files.includes('model.json')) found.push(dir);
      }
    }
    return found;
  }
}
